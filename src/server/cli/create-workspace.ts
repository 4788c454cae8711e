import { findUserByEmail } from '../modules/accounts/users';
import { emailSchema } from '../modules/accounts/accounts.contract';
import { createWorkspace } from '../modules/workspaces/manage-workspace';
import { createWorkspaceBody } from '../modules/workspaces/workspaces.contract';
import { CliError, UsageError, checkOption, optionalString, requireOption, type Command } from './command';
import { withServices } from './platform';

export const createWorkspaceCommand: Command = {
  name: 'workspace create',
  summary: 'Create a workspace owned by an existing user',
  help: `Usage: kestrel workspace create --name NAME --owner EMAIL [--country CC] [--currency CUR] [--time-zone TZ]

Creates a workspace (a business) and makes the user with that email its owner. The rest of
the business profile is filled in from the app's settings. Prints the new workspace's id.

Options:
  --name NAME        business name
  --owner EMAIL      email of an existing user (see: kestrel user create)
  --country CC       two-letter country code, e.g. US or IN
  --currency CUR     three-letter currency code, e.g. USD (default USD)
  --time-zone TZ     IANA time zone, e.g. America/Chicago (default UTC)

Example:
  kestrel workspace create --name "Lee Plumbing" --owner ann@example.com --country US --currency USD --time-zone America/Chicago`,
  options: { name: { type: 'string' }, owner: { type: 'string' }, country: { type: 'string' }, currency: { type: 'string' }, 'time-zone': { type: 'string' } },
  async run(values, io) {
    const ownerEmail = checkOption(emailSchema, requireOption(values, 'owner', this), 'owner', this);
    const fields = {
      name: requireOption(values, 'name', this),
      country: optionalString(values, 'country')?.toUpperCase(),
      currency: optionalString(values, 'currency')?.toUpperCase(),
      timeZone: optionalString(values, 'time-zone'),
    };
    const parsed = createWorkspaceBody.safeParse(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
    if (!parsed.success) {
      const flag: Record<string, string> = { timeZone: 'time-zone' };
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[0] ?? 'name');
      throw new UsageError(`--${flag[field] ?? field}: ${issue.message}`, this.name);
    }

    const workspace = await withServices(io, async (services) => {
      const owner = await findUserByEmail(services.database.system, ownerEmail);
      if (!owner) throw new CliError(`No user has the email ${ownerEmail}. Create one first: kestrel user create --email ${ownerEmail} --name "..."`);
      return createWorkspace(services.database.db, { userId: owner.id, email: owner.email, ip: null, userAgent: 'kestrel CLI' }, parsed.data);
    });
    io.stdout.write(`${workspace.id}\n`);
    io.stderr.write(`Created workspace "${workspace.name}" owned by ${ownerEmail}.\n`);
  },
};
