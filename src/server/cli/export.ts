import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { emailSchema } from '../modules/accounts/accounts.contract';
import { writeAccountArchive } from '../modules/privacy/account-export';
import { writeWorkspaceArchive } from '../modules/privacy/build-archive';
import { CliError, checkOption, optionalString, requireOption, type Command } from './command';
import { withServices } from './platform';

export const exportCommand: Command = {
  name: 'export',
  summary: "Export a workspace's or one account's data (JSON and CSV in a zip)",
  help: `Usage: kestrel export --workspace ID [--out FILE]
       kestrel export --account EMAIL [--out FILE]

--workspace: everything the workspace holds — every table the data registry exports.
--account: everything about one person across the workspaces they belong to — profile,
sessions, memberships, records they own or made, messages they wrote, AI calls they made,
audit entries by or about them, consents, billing rows tied to them (PRIV-2).
Either way as JSON and as CSV in a zip archive readable only by you (mode 0600). Prints the
file's path.

Options:
  --workspace ID   the workspace's id
  --account EMAIL  the person's sign-in address
  --out FILE       where to write (default: ./kestrel-export-ID.zip)

Example:
  kestrel export --workspace 01927c1e-... --out lee-plumbing.zip
  kestrel export --account ann@example.com --out ann.zip`,
  options: { workspace: { type: 'string' }, account: { type: 'string' }, out: { type: 'string' } },
  async run(values, io) {
    if (values.account !== undefined) {
      if (values.workspace !== undefined) throw new CliError('Give --workspace or --account, not both.');
      const email = checkOption(emailSchema, requireOption(values, 'account', this), 'account', this);
      const result = await withServices(io, async (services) => {
        const { rows } = await services.database.system.execute<{ id: string }>(sql`SELECT id FROM users WHERE email = ${email}`);
        if (!rows.length) throw new CliError(`No account has the email ${email}.`);
        const out = path.resolve(optionalString(values, 'out') ?? `kestrel-export-${rows[0]!.id}.zip`);
        const r = await writeAccountArchive(services.database.system, rows[0]!.id, createWriteStream(out, { mode: 0o600 }), tmpdir());
        return { ...r, out };
      });
      io.stdout.write(`${result.out}\n`);
      io.stderr.write(`Exported ${result.rows} rows from ${result.tables} tables.\n`);
      return;
    }
    const workspaceId = checkOption(z.uuid('Not a workspace id.'), requireOption(values, 'workspace', this), 'workspace', this);
    const out = path.resolve(optionalString(values, 'out') ?? `kestrel-export-${workspaceId}.zip`);
    const result = await withServices(io, async (services) => {
      const { rows } = await services.database.system.execute<{ id: string }>(sql`SELECT id FROM workspaces WHERE id = ${workspaceId}`);
      if (!rows.length) throw new CliError(`No workspace has the id ${workspaceId}.`);
      return writeWorkspaceArchive(services.database.db, workspaceId, createWriteStream(out, { mode: 0o600 }), tmpdir());
    });
    io.stdout.write(`${out}\n`);
    io.stderr.write(`Exported ${result.rows} rows from ${result.tables} tables.\n`);
  },
};
