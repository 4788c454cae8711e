/**
 * The data registry: every table says, once, how its rows leave Kestrel — exported in a data
 * download (PRIV-2) and erased on deletion (PRIV-3) — so that the privacy tools built on it
 * cover everything. A test fails when a table is in neither the registry nor the system list.
 */
export type ExportRule =
  | { kind: 'rows'; /** Columns never exported (hashes, sealed secrets). */ omit?: string[] }
  | { kind: 'excluded'; reason: string };

export type EraseRule =
  /** Deleted with its workspace (a foreign key cascade or the workspace purge job). */
  | { kind: 'with-workspace' }
  /** Deleted with its user account. */
  | { kind: 'with-account' }
  /** Kept after deletion because the law requires it (BILL-5), for this many years. */
  | { kind: 'retained'; years: number; reason: string };

/**
 * How a table mentions a person (PRIV-1 access, PRIV-3 erasure). Optional: a table that holds
 * no one's identifiers leaves it out. Column names are the database's (snake_case).
 * - email / phone / name: columns that identify a person (text, citext or text[]); a row whose
 *   email or phone equals the person's is *about* them.
 * - contactId: a column holding `contacts.id`; record: a polymorphic reference to a record.
 * - text: free text or JSON that may mention anyone (bodies, prompts, details); searched by
 *   substring and, on erasure, the person's identifiers are replaced by `[erased]`.
 * - onErase: what erasure does to a row about the person: `delete` it (the default) or `unlink`
 *   it (the contactId column set to null: the row belongs to something else, a deal say).
 * Tables whose erase rule is `retained` are shown by a lookup and left as they are.
 */
export interface PersonColumns {
  email?: string[];
  phone?: string[];
  name?: string[];
  contactId?: string;
  record?: { type: string; id: string };
  text?: string[];
  onErase?: 'delete' | 'unlink';
}

/**
 * PRIV-2: how a row belongs to a user account, for the per-account export ("Download my data"):
 * `ids` are columns holding a user's id (uuid or uuid[]) — made, owned, assigned, written,
 * decided or changed by them; `target` a polymorphic reference (`type` column = `value`, `id`
 * column = the user's id), e.g. audit entries about them. A row is the person's when any matches
 * (or, through `person.email`, when it carries their sign-in address).
 */
export interface AccountColumns {
  ids: string[];
  target?: { type: string; id: string; value: string };
}

export interface DataEntry {
  table: string;
  module: string;
  /** Whose data it is: a workspace's (tenant) or a person's account. */
  scope: 'workspace' | 'account';
  description: string;
  export: ExportRule;
  erase: EraseRule;
  /** How its rows mention a person; absent when they never do. */
  person?: PersonColumns;
  /** How its rows belong to a user account; absent when they never do (a test checks every user column is named). */
  user?: AccountColumns;
}

/** Tables that hold no one's data: queue internals, counters, migrations bookkeeping. */
export interface SystemEntry {
  table: string;
  reason: string;
}

const entries = new Map<string, DataEntry>();
const systemTables = new Map<string, SystemEntry>();

export function registerData(...list: DataEntry[]): void {
  for (const e of list) {
    if (entries.has(e.table) || systemTables.has(e.table)) throw new Error(`Data registry: ${e.table} registered twice`);
    entries.set(e.table, e);
  }
}

export function registerSystemTables(...list: SystemEntry[]): void {
  for (const e of list) {
    if (entries.has(e.table) || systemTables.has(e.table)) throw new Error(`Data registry: ${e.table} registered twice`);
    systemTables.set(e.table, e);
  }
}

/** PRIV-2: declares how already registered tables relate to user accounts (for modules whose entries are built by a helper). */
export function relateToAccounts(map: Record<string, AccountColumns>): void {
  for (const [table, user] of Object.entries(map)) {
    const e = entries.get(table);
    if (!e) throw new Error(`Data registry: ${table} is not registered`);
    if (e.user) throw new Error(`Data registry: ${table} relates to accounts twice`);
    entries.set(table, { ...e, user });
  }
}

export const dataEntries = (): DataEntry[] => [...entries.values()];
export const systemEntries = (): SystemEntry[] => [...systemTables.values()];
