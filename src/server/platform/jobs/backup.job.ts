import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { backupDatabase, backupFileName, pruneBackups } from '../db/backup';
import { defineJob } from './jobs';

/**
 * SEC-3: with BACKUP_DIR set, a nightly backup, then the rolling window: backups older than
 * BACKUP_RETENTION_DAYS (30) are deleted, so what the privacy policy says about erased people and
 * backups holds. graphile-worker's crontab runs it once across all instances.
 */
export const scheduledBackupJob = defineJob({
  name: 'scheduled_backup',
  version: 1,
  payload: z.object({}),
  cron: '23 3 * * *',
  maxAttempts: 3,
  async run(_payload, { config, database, secrets, logger }) {
    if (!config.BACKUP_DIR) return;
    const dir = path.resolve(config.BACKUP_DIR);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const now = new Date();
    const result = await backupDatabase(database.ownerUrl, secrets.box, path.join(dir, backupFileName(now)));
    const pruned = await pruneBackups(dir, now, config.BACKUP_RETENTION_DAYS);
    logger.info({ file: result.file, bytes: result.bytes, pruned }, 'scheduled backup written');
  },
});
