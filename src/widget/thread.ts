/**
 * CONV-1: each message shows once. What the visitor writes shows at once as pending, keyed by the
 * client id it is sent with; its saved copy can then arrive by any road and in any order (the
 * send's answer, the live stream, the conversation read again after a page load) and takes the
 * pending copy's place. A pending copy whose saved copy is already shown is not shown again.
 */
export class Thread {
  private savedIds = new Set<string>();
  private savedClientIds = new Set<string>();
  private pendingClientIds = new Set<string>();

  /** A saved message arrives: skip it (shown), add it, or let it replace the pending copy with its client id. */
  saved(m: { id: string; clientId: string | null }): 'skip' | 'add' | 'replace' {
    if (this.savedIds.has(m.id)) return 'skip';
    this.savedIds.add(m.id);
    if (!m.clientId) return 'add';
    this.savedClientIds.add(m.clientId);
    return this.pendingClientIds.delete(m.clientId) ? 'replace' : 'add';
  }

  /** The visitor's own message before it is saved: skip it when it (or its saved copy) is shown. */
  pending(clientId: string): 'skip' | 'add' {
    if (this.savedClientIds.has(clientId) || this.pendingClientIds.has(clientId)) return 'skip';
    this.pendingClientIds.add(clientId);
    return 'add';
  }

  /** Whether the message with this client id is already saved (so it must not be sent again). */
  isSaved(clientId: string): boolean {
    return this.savedClientIds.has(clientId);
  }
}
