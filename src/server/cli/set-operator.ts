import { eq } from 'drizzle-orm';
import { emailSchema } from '../modules/accounts/accounts.contract';
import { users } from '../modules/accounts/accounts.schema';
import { CliError, checkOption, requireOption, type Command } from './command';
import { withServices } from './platform';

export const setOperatorCommand: Command = {
  name: 'user operator',
  summary: 'Make a user an operator of this Kestrel (or stop them being one)',
  help: `Usage: kestrel user operator --email EMAIL [--revoke]

An operator runs this Kestrel, whatever their roles in workspaces. Today that means one thing:
outside production, with no mail server configured, only a signed-in operator may read the
development mailbox (every sign-in code and reset link is in it). In development the demo
owner is an operator already.

Options:
  --email EMAIL  the user's sign-in address
  --revoke       take the operator flag away instead

Example:
  kestrel user operator --email ann@example.com`,
  options: { email: { type: 'string' }, revoke: { type: 'boolean' } },
  async run(values, io) {
    const email = checkOption(emailSchema, requireOption(values, 'email', this), 'email', this);
    const operator = values.revoke !== true;
    const updated = await withServices(io, (services) =>
      services.database.system.update(users).set({ operator, updatedAt: new Date() }).where(eq(users.email, email)).returning({ id: users.id }),
    );
    if (!updated.length) throw new CliError(`No user has the email ${email}.`);
    io.stdout.write(operator ? `${email} is an operator of this Kestrel.\n` : `${email} is no longer an operator of this Kestrel.\n`);
  },
};
