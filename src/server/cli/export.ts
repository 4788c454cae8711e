import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeWorkspaceArchive } from '../modules/privacy/build-archive';
import { CliError, checkOption, optionalString, requireOption, type Command } from './command';
import { withServices } from './platform';

export const exportCommand: Command = {
  name: 'export',
  summary: "Export a workspace's data (JSON and CSV in a zip)",
  help: `Usage: kestrel export --workspace ID [--out FILE]

Writes everything the workspace holds — every table the data registry exports, as JSON and as
CSV — into a zip archive readable only by you (mode 0600). Prints the file's path.

Options:
  --workspace ID   the workspace's id
  --out FILE       where to write (default: ./kestrel-export-ID.zip)

Example:
  kestrel export --workspace 01927c1e-... --out lee-plumbing.zip`,
  options: { workspace: { type: 'string' }, out: { type: 'string' } },
  async run(values, io) {
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
