import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Download } from '../../platform/http/download';
import type { privacyExports } from './privacy.schema';

/**
 * What the workspace export and the account export share: the one-time download token, how long a
 * finished archive waits, how an export is shown, and the download that deletes the file once sent.
 */

/** How long a finished export waits to be downloaded. */
export const EXPORT_LINK_HOURS = 24;

export const hashExportToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const newExportToken = () => randomBytes(32).toString('base64url');

/** A workspace export or an account export: the two tables share these columns. */
type ExportRow = Pick<typeof privacyExports.$inferSelect, 'id' | 'status' | 'rowsDone' | 'rowsTotal' | 'bytes' | 'error' | 'expiresAt' | 'createdAt' | 'finishedAt'>;

export const presentExport = (r: ExportRow) => ({
  id: r.id,
  status: r.status,
  rowsDone: r.rowsDone,
  rowsTotal: r.rowsTotal,
  bytes: r.bytes,
  error: r.error,
  expiresAt: r.expiresAt.toISOString(),
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/** The archive as a download named `<prefix>-<date>.zip`; the file is deleted as soon as it has been sent. */
export function sendArchiveOnce(file: string, prefix: string): Download {
  const stream = createReadStream(file);
  stream.once('close', () => void rm(file, { force: true }));
  return { stream, filename: `${prefix}-${new Date().toISOString().slice(0, 10)}.zip`, contentType: 'application/zip' };
}
