import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { importLocalFile } from '../modules/imports/import-local-file';
import { dedupeKeys, importObjects, onMatchChoices, type ImportOptions } from '../modules/imports/imports.contract';
import { AppError } from '../platform/http/errors';
import { CliError, checkOption, optionalString, requireOption, type Command } from './command';
import { withServices } from './platform';

/** OPS-3, CRM-7: the web page's import from the command line, run in the foreground. */
export const importCommand: Command = {
  name: 'import',
  summary: 'Import contacts, companies or an email list from a CSV or XLSX file',
  help: `Usage: kestrel import --workspace ID --file FILE [--object contacts|companies|email_list]
                      [--list NAME] [--dedupe email|phone|domain|none] [--on-match update|skip|create]
                      [--all-or-nothing]

Imports a file into a workspace the way Contacts → Import does: the columns are matched to
fields by their headers (as the page suggests them), rows are checked, and records already
there (same email, phone or domain) are updated, skipped or created again as you choose. The
import appears on the workspace's Imports page, where its error report can be downloaded and
it can be undone. Prints how many rows were created, updated, skipped and failed.

Options:
  --workspace ID     the workspace's id
  --file FILE        a .csv or .xlsx file
  --object WHAT      contacts (default), companies, or email_list (addresses into a list)
  --list NAME        the list (tag) the records go into; required for email_list
  --dedupe KEY       how an existing record is recognised (default: email; domain for companies)
  --on-match WHAT    update (default), skip or create
  --all-or-nothing   import nothing if any row has a problem (default: import the valid rows)

Example:
  kestrel import --workspace 01927c1e-... --file customers.csv --list "Trade show 2026"`,
  options: {
    workspace: { type: 'string' },
    file: { type: 'string' },
    object: { type: 'string' },
    list: { type: 'string' },
    dedupe: { type: 'string' },
    'on-match': { type: 'string' },
    'all-or-nothing': { type: 'boolean' },
  },
  async run(values, io) {
    const workspaceId = checkOption(z.uuid('Not a workspace id.'), requireOption(values, 'workspace', this), 'workspace', this);
    const file = path.resolve(requireOption(values, 'file', this));
    const object = checkOption(z.enum(importObjects, `Choose one of ${importObjects.join(', ')}.`), optionalString(values, 'object') ?? 'contacts', 'object', this);
    const options: Partial<ImportOptions> = { mode: values['all-or-nothing'] === true ? 'all_or_nothing' : 'valid_rows' };
    const dedupe = optionalString(values, 'dedupe');
    if (dedupe !== undefined) options.dedupeKey = checkOption(z.enum(dedupeKeys, `Choose one of ${dedupeKeys.join(', ')}.`), dedupe, 'dedupe', this);
    const onMatch = optionalString(values, 'on-match');
    if (onMatch !== undefined) options.onMatch = checkOption(z.enum(onMatchChoices, `Choose one of ${onMatchChoices.join(', ')}.`), onMatch, 'on-match', this);
    const list = optionalString(values, 'list');
    if (list !== undefined) options.tagName = checkOption(z.string().trim().min(1, 'Name the list.').max(60, 'At most 60 characters.'), list, 'list', this);

    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new CliError(`The file ${file} does not exist.`);

    const result = await withServices(io, async (services, config) => {
      const { rows } = await services.database.system.execute<{ id: string }>(sql`SELECT id FROM workspaces WHERE id = ${workspaceId}`);
      if (!rows.length) throw new CliError(`No workspace has the id ${workspaceId}.`);
      const ctx = { workspaceId, userId: null, role: 'owner' as const, actorLabel: 'kestrel import' };
      try {
        return await importLocalFile({ database: services.database, dataDir: config.DATA_DIR, logger: services.logger }, ctx, { file, object, options });
      } catch (error) {
        // The page's own refusals (not a CSV, no name or email column …) in the same words.
        if (error instanceof AppError) throw new CliError(error.message);
        throw error;
      }
    });
    if (result.status === 'failed') throw new CliError(`The import failed: ${result.error ?? 'see the Imports page'}. Nothing was imported.`);
    io.stdout.write(`${result.importId}\n`);
    io.stderr.write(
      `Imported ${result.rows} rows: ${result.created} created, ${result.updated} updated, ${result.skipped} skipped, ${result.failed} failed.` +
        (result.failed ? ' The rows that failed, with the reason, are in the error report on the Imports page.' : '') +
        '\n',
    );
  },
};
