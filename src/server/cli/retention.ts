import { runRetention } from '../modules/privacy/run-retention';
import type { Command } from './command';
import { withServices } from './platform';

export const retentionCommand: Command = {
  name: 'retention run',
  summary: 'Delete what has outlived its retention time now (the daily job does it too)',
  help: `Usage: kestrel retention run

Deletes transactional mail older than MAIL_LOG_RETENTION_DAYS (default 90), audit log entries
older than AUDIT_LOG_RETENTION_DAYS (default 90), export archives whose link expired, and
conversations and AI call records older than each workspace keeps them (Settings → Data;
by default 365 and 90 days). Deleted AI calls leave only per-day usage totals behind.
Prints how many of each were deleted.`,
  options: {},
  async run(_values, io) {
    const result = await withServices(io, (services, config) =>
      runRetention(services.database.system, config.DATA_DIR, { mailLogDays: config.MAIL_LOG_RETENTION_DAYS, auditLogDays: config.AUDIT_LOG_RETENTION_DAYS }),
    );
    io.stdout.write(`mail log: ${result.mailLog} deleted\naudit log: ${result.auditLog} deleted\nexpired exports: ${result.exports} deleted\nconversations: ${result.conversations} deleted\nAI calls: ${result.aiCalls} deleted\n`);
  },
};
