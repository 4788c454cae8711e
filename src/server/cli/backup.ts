import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BackupError, backupDatabase, backupFileName, restoreDatabase } from '../platform/db/backup';
import { CliError, optionalString, requireOption, type Command } from './command';
import { withServices } from './platform';

/** Where backups go when no file is named: BACKUP_DIR, else DATA_DIR/backups. */
export function backupDir(config: { BACKUP_DIR?: string; DATA_DIR: string }): string {
  return path.resolve(config.BACKUP_DIR ?? path.join(config.DATA_DIR, 'backups'));
}

const asCliError = (error: unknown) => (error instanceof BackupError ? new CliError(error.message) : error);

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Back up the database to a file (the secrets key stays out of it)',
  help: `Usage: kestrel backup [--output FILE]

Writes every row of Kestrel's database (embedded, or DATABASE_URL's) to one gzipped file, mode
0600, from one consistent snapshot while the server keeps running. An existing file is never
overwritten. The secrets key is NOT in the backup: keep KESTREL_SECRET_KEYS (or, without it,
DATA_DIR/dev-secrets.json) somewhere else, safe — a restore needs the same key and refuses another.

Options:
  --output FILE   where to write (default: BACKUP_DIR, else DATA_DIR/backups, named
                  kestrel-<UTC time>.kbackup)

Example:
  kestrel backup --output /srv/backups/kestrel-before-upgrade.kbackup`,
  options: { output: { type: 'string' } },
  async run(values, io) {
    await withServices(io, async (services, config) => {
      const output = optionalString(values, 'output');
      const file = path.resolve(output ?? path.join(backupDir(config), backupFileName(new Date())));
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const started = Date.now();
      const result = await backupDatabase(services.database.ownerUrl, services.secrets.box, file).catch((e: unknown) => {
        throw asCliError(e);
      });
      const rows = Object.values(result.rows).reduce((a, b) => a + b, 0);
      io.stdout.write(
        `Backed up ${rows} rows of ${Object.keys(result.rows).length} tables to ${file} (${(result.bytes / 1024 / 1024).toFixed(1)} MiB, ${((Date.now() - started) / 1000).toFixed(1)} s).\n` +
          `The secrets key is not in it: keep KESTREL_SECRET_KEYS apart from the backup.\n`,
      );
    });
  },
};

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'Restore a backup into a new, empty database',
  help: `Usage: kestrel restore --file FILE

Restores a file made by "kestrel backup" into the database this Kestrel is configured for
(embedded, or DATABASE_URL's), which must be empty: a new database, or a new DATA_DIR. Refused,
with nothing written, when the database holds any row, when KESTREL_SECRET_KEYS (or
DATA_DIR/dev-secrets.json) is not the key of the installation that made the backup, or when the
backup was made by another Kestrel version. Stop the server first; start it again afterwards.

Options:
  --file FILE   the backup to restore

Example:
  DATA_DIR=/srv/kestrel-new kestrel restore --file /srv/backups/kestrel-20261202T031500Z.kbackup`,
  options: { file: { type: 'string' } },
  async run(values, io) {
    const file = path.resolve(requireOption(values, 'file', this));
    await withServices(io, async (services) => {
      const started = Date.now();
      const result = await restoreDatabase(services.database.ownerUrl, services.secrets.box, file).catch((e: unknown) => {
        throw asCliError(e);
      });
      const rows = Object.values(result.rows).reduce((a, b) => a + b, 0);
      io.stdout.write(`Restored ${rows} rows of ${Object.keys(result.rows).length} tables from ${file} (${((Date.now() - started) / 1000).toFixed(1)} s).\n`);
    });
  },
};
