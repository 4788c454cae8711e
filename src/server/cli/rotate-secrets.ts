import { and, eq, getTableName, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db/database';
import type { SecretBox } from '../platform/crypto/secret-box';
import { CliError, type Command } from './command';
import { withServices } from './platform';
import { sealedColumns, type SealedColumn } from './sealed-columns';

const BATCH = 500;

export interface ResealResult {
  column: string;
  resealed: number;
  current: number;
  /** Rows whose value would not open (unknown key, wrong AAD, damaged). */
  failed: string[];
}

/**
 * Walks one sealed column in key order, a batch per transaction, and re-seals what is not
 * under the box's current key. An update only lands if the value is still the one read, so a
 * value the app rewrote meanwhile is left alone (the app seals under the current key anyway).
 */
export async function resealColumn(db: Db, box: SecretBox, column: SealedColumn): Promise<ResealResult> {
  const label = `${getTableName(column.table)}.${column.sealed.name}`;
  const result: ResealResult = { column: label, resealed: 0, current: 0, failed: [] };
  const keyList = sql.join(column.key.map((c) => sql`${c}`), sql`, `);
  const selectKeys = sql.join(column.key.map((c) => sql`${c}::text AS ${sql.identifier(c.name)}`), sql`, `);
  let after: string[] | null = null;
  for (;;) {
    const page: SQL = after ? sql`AND (${keyList}) > (${sql.join(after.map((v) => sql`${v}`), sql`, `)})` : sql``;
    const { rows }: { rows: Record<string, string>[] } = await db.execute<Record<string, string>>(
      sql`SELECT ${selectKeys}, ${column.sealed} AS "__sealed" FROM ${column.table}
          WHERE ${column.sealed} IS NOT NULL ${page} ORDER BY ${keyList} LIMIT ${BATCH}`,
    );
    if (!rows.length) break;
    await db.transaction(async (tx) => {
      for (const row of rows) {
        const sealed = row.__sealed!;
        const key = Object.fromEntries(column.key.map((c) => [c.name, row[c.name]!]));
        let next: string | null;
        try {
          next = box.reseal(sealed, column.aad(key));
        } catch (error) {
          result.failed.push(`${label} ${JSON.stringify(key)}: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        if (next === null) {
          result.current++;
          continue;
        }
        const updated = await tx.execute(
          sql`UPDATE ${column.table} SET ${sql.identifier(column.sealed.name)} = ${next}
              WHERE ${and(...column.key.map((c) => eq(c, key[c.name])), eq(column.sealed, sealed))}`,
        );
        if (updated.rowCount) result.resealed++;
        else result.current++;
      }
    });
    after = column.key.map((c) => rows[rows.length - 1]![c.name]!);
  }
  return result;
}

export const rotateSecretsCommand: Command = {
  name: 'secrets rotate',
  summary: 'Re-seal every stored secret under the current (first) key',
  help: `Usage: kestrel secrets rotate

SEC-2 key rotation. Secrets at rest (TOTP secrets, OAuth tokens, API credentials …) are sealed
with AES-256-GCM under a key named in KESTREL_SECRET_KEYS. To rotate:
  1. kestrel secrets generate-key            prints a new "id:base64" key
  2. put it first in KESTREL_SECRET_KEYS, keeping the old keys after it, and restart
  3. kestrel secrets rotate                  re-seals everything under the new key
  4. remove the old key from KESTREL_SECRET_KEYS
Safe to run while the app serves requests and safe to run again.`,
  options: {},
  async run(_values, io) {
    const { results, keyId } = await withServices(io, async (services) => {
      const box = services.secrets.box;
      const out: ResealResult[] = [];
      for (const column of sealedColumns) out.push(await resealColumn(services.database.system, box, column));
      return { results: out, keyId: box.currentKeyId };
    });
    for (const r of results) io.stdout.write(`${r.column}: ${r.resealed} re-sealed, ${r.current} already under "${keyId}"${r.failed.length ? `, ${r.failed.length} failed` : ''}\n`);
    const total = results.reduce((n, r) => n + r.resealed, 0);
    io.stdout.write(`Re-sealed ${total} secret${total === 1 ? '' : 's'} under key "${keyId}".\n`);
    const failed = results.flatMap((r) => r.failed);
    if (failed.length) {
      for (const f of failed) io.stderr.write(`  ${f}\n`);
      throw new CliError(`${failed.length} secret${failed.length === 1 ? '' : 's'} could not be opened. Is the key they were sealed with still listed in KESTREL_SECRET_KEYS?`);
    }
  },
};
