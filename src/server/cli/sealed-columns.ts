import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { users } from '../modules/accounts/accounts.schema';

/**
 * SEC-2: every column that holds a value sealed by the secret box, so `kestrel secrets rotate`
 * can re-seal them all under the current key. A module that adds a sealed column adds it here,
 * with the same AAD its own code seals with (a wrong AAD makes rotation fail loudly, not
 * silently: the value would not open).
 */
export interface SealedColumn {
  table: PgTable;
  /** The row's primary key, in order (tenant tables start with workspace_id). */
  key: AnyPgColumn[];
  sealed: AnyPgColumn;
  /** The AAD the value was sealed with, from the row's key values by SQL column name. */
  aad(key: Record<string, string>): string;
}

export const sealedColumns: SealedColumn[] = [
  // AUTH-6, src/server/modules/accounts/two-factor.ts
  { table: users, key: [users.id], sealed: users.totpSecretSealed, aad: (k) => `user:${k.id}:totp` },
];
