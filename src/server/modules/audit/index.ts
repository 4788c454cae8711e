/** What other modules use of the audit log: recording an action (SEC-4), in the caller's transaction, on its own, as a statement to send with others, or for an account outside any workspace. */
export { auditStatement, recordAccountAudit, recordAudit, recordAuditAlone, type AuditEvent } from './record-audit';
