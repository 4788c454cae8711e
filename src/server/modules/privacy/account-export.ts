import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { and, desc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import { dataEntries } from '../../platform/data/all';
import type { DataEntry } from '../../platform/data/registry';
import type { Db } from '../../platform/db/database';
import type { Download } from '../../platform/http/download';
import { AppError, notFound } from '../../platform/http/errors';
import { enqueue } from '../../platform/jobs/jobs';
import { users } from '../accounts/accounts.schema';
import { writeArchive, type ArchivePart, type ArchiveProgress } from './build-archive';
import { privacyAccountExportJob } from './export.job';
import { EXPORT_LINK_HOURS, hashExportToken, newExportToken, presentExport, sendArchiveOnce } from './export-link';
import { columnCatalogue } from './person-match';
import { privacyAccountExports } from './privacy.schema';

export const accountExportDir = (dataDir: string) => path.join(path.resolve(dataDir), 'exports', 'accounts');
const exportFile = (dataDir: string, id: string) => path.join(accountExportDir(dataDir), `${id}.zip`);

const USER = sql.raw(`current_setting('kestrel.export_user_id')`);
const EMAIL = sql.raw(`current_setting('kestrel.export_email')`);
const t = (column: string) => sql`t.${sql.identifier(column)}`;

/**
 * PRIV-2: the rows of one table that are the person's, as a condition on `t`, built from the
 * registry: a user column holding their id, a reference to them, or their sign-in address in an
 * email column. The values come from transaction settings, so the statement needs no parameters
 * (COPY takes none). Workspace tables are limited to the workspaces the person belongs to.
 */
export function accountRows(entry: DataEntry, kinds: Map<string, string>): SQL | null {
  const parts: SQL[] = [];
  for (const c of entry.user?.ids ?? []) parts.push(kinds.get(c) === 'array' ? sql`${USER} = ANY(${t(c)}::text[])` : sql`${t(c)}::text = ${USER}`);
  const target = entry.user?.target;
  if (target) parts.push(sql`(${t(target.type)} = ${sql.raw(`'${target.value.replaceAll("'", "''")}'`)} AND ${t(target.id)}::text = ${USER})`);
  for (const c of entry.person?.email ?? [])
    parts.push(kinds.get(c) === 'array' ? sql`EXISTS (SELECT 1 FROM unnest(${t(c)}) AS v WHERE lower(v::text) = ${EMAIL})` : sql`lower(${t(c)}::text) = ${EMAIL}`);
  const mine = entry.table === 'workspaces' ? sql`t.id IN (SELECT m.workspace_id FROM memberships m WHERE m.user_id::text = ${USER})` : parts.length ? sql.join(parts, sql` OR `) : null;
  if (!mine) return null;
  if (entry.scope === 'account' || entry.table === 'workspaces') return mine;
  return sql`t.workspace_id IN (SELECT m.workspace_id FROM memberships m WHERE m.user_id::text = ${USER}) AND (${mine})`;
}

/**
 * PRIV-2: everything about one account — profile, sessions, memberships, the records they own or
 * made, messages they wrote, AI calls they made, audit entries by or about them, consents, billing
 * rows tied to them — across the workspaces they belong to, as JSON and CSV in a zip on `out`.
 * One consistent, read-only snapshot; the owner connection reads across workspaces, each table
 * limited by `accountRows`.
 */
export async function writeAccountArchive(system: Db, userId: string, out: Writable, scratchDir: string, onProgress?: ArchiveProgress): Promise<{ rows: number; tables: number }> {
  return system.transaction(
    async (tx) => {
      const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
      if (!user) throw notFound('Account');
      await tx.execute(sql`SELECT set_config('kestrel.export_user_id', ${userId}, true), set_config('kestrel.export_email', ${user.email.toLowerCase()}, true)`);
      const columns = await columnCatalogue(tx);
      const parts: ArchivePart[] = [];
      for (const entry of dataEntries()) {
        if (entry.export.kind !== 'rows' || !columns.has(entry.table)) continue;
        const where = accountRows(entry, columns.get(entry.table)!);
        if (where) parts.push({ entry, where });
      }
      return writeArchive(tx, parts, { userId, email: user.email, exportedAt: new Date().toISOString(), kind: 'account' }, out, scratchDir, onProgress);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** PRIV-2: a person asks for their own data; a job builds it. The link (with its one-time token) is given only now. */
export async function requestAccountExport(db: Db, userId: string) {
  const token = newExportToken();
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(privacyAccountExports)
      .values({ userId, tokenHash: hashExportToken(token), expiresAt: new Date(Date.now() + EXPORT_LINK_HOURS * 3600_000) })
      .returning();
    await enqueue(tx, privacyAccountExportJob, { userId, exportId: created!.id });
    return created!;
  });
  return { ...presentExport(row), downloadUrl: `/api/account/exports/${row.id}/download?token=${token}` };
}

export async function getAccountExport(db: Db, userId: string, id: string) {
  const [row] = await db.select().from(privacyAccountExports).where(and(eq(privacyAccountExports.userId, userId), eq(privacyAccountExports.id, id)));
  if (!row) throw notFound('Export');
  return presentExport(row);
}

/** The person's latest export, so that a reloaded page shows its progress (no link: that was given once). */
export async function latestAccountExport(db: Db, userId: string) {
  const [row] = await db.select().from(privacyAccountExports).where(eq(privacyAccountExports.userId, userId)).orderBy(desc(privacyAccountExports.createdAt)).limit(1);
  return row ? presentExport(row) : null;
}

/** The job: builds the archive under DATA_DIR (0600), reporting rows done as it goes. */
export async function buildAccountExport(deps: { db: Db; system: Db; dataDir: string; logger: Logger }, userId: string, id: string): Promise<void> {
  const where = and(eq(privacyAccountExports.userId, userId), eq(privacyAccountExports.id, id));
  const [claimed] = await deps.db.update(privacyAccountExports).set({ status: 'running' }).where(and(where, eq(privacyAccountExports.status, 'queued'))).returning();
  if (!claimed) return;
  const file = exportFile(deps.dataDir, id);
  try {
    await mkdir(accountExportDir(deps.dataDir), { recursive: true, mode: 0o700 });
    let reported = 0;
    await writeAccountArchive(deps.system, userId, createWriteStream(`${file}.part`, { mode: 0o600 }), accountExportDir(deps.dataDir), async (done, total) => {
      if (done !== 0 && done - reported < 5000 && done !== total) return;
      reported = done;
      await deps.db.update(privacyAccountExports).set({ rowsDone: done, rowsTotal: total }).where(where);
    });
    await rename(`${file}.part`, file);
    const { size } = await stat(file);
    await deps.db
      .update(privacyAccountExports)
      .set({ status: 'ready', rowsDone: sql`${privacyAccountExports.rowsTotal}`, bytes: size, finishedAt: new Date(), expiresAt: new Date(Date.now() + EXPORT_LINK_HOURS * 3600_000) })
      .where(where);
  } catch (error) {
    deps.logger.error({ err: error, exportId: id }, 'account export failed');
    await rm(`${file}.part`, { force: true });
    await deps.db.update(privacyAccountExports).set({ status: 'failed', error: 'The export could not be built; ask for a new one.', finishedAt: new Date() }).where(where);
  }
}

/** PRIV-2: the archive, once, to the person who asked, with the token, before the link expires; the file is deleted once sent. */
export async function downloadAccountExport(db: Db, userId: string, dataDir: string, id: string, token: string): Promise<Download> {
  const taken = await db
    .update(privacyAccountExports)
    .set({ status: 'downloaded' })
    .where(and(eq(privacyAccountExports.userId, userId), eq(privacyAccountExports.id, id), eq(privacyAccountExports.tokenHash, hashExportToken(token)), eq(privacyAccountExports.status, 'ready'), gt(privacyAccountExports.expiresAt, new Date())))
    .returning({ id: privacyAccountExports.id });
  if (!taken.length) throw new AppError('export_unavailable', 410, 'This download link has been used, has expired or is not valid. Ask for a new export.');
  const file = exportFile(dataDir, id);
  return sendArchiveOnce(file, 'kestrel-my-data');
}

/** Hourly, with the workspace exports: account archives not downloaded in time are deleted. */
export async function sweepAccountExports(system: Db, dataDir: string): Promise<number> {
  const { rows } = await system.execute<{ id: string }>(sql`UPDATE privacy_account_exports SET status = 'expired' WHERE status IN ('ready', 'queued', 'running') AND expires_at <= now() RETURNING id`);
  for (const r of rows) await rm(exportFile(dataDir, r.id), { force: true });
  return rows.length;
}
