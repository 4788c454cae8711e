import { hashPassword } from '../platform/auth/passwords';
import { randomToken } from '../platform/crypto/tokens';
import { emailSchema, nameSchema, passwordSchema } from '../modules/accounts/accounts.contract';
import { users } from '../modules/accounts/accounts.schema';
import { CliError, checkOption, optionalString, requireOption, type Command } from './command';
import { withServices } from './platform';

export const createUserCommand: Command = {
  name: 'user create',
  summary: 'Create a verified user who can sign in',
  help: `Usage: kestrel user create --email EMAIL --name NAME [--password PASSWORD] [--operator]

Creates a user whose email counts as verified and whose 18+ confirmation is recorded, since
the operator vouches for them. Without --password a strong one is generated and printed once.

Options:
  --email EMAIL        sign-in address (must not have an account yet)
  --name NAME          display name
  --password PASSWORD  at least 10 characters; prefer leaving it out (shell history keeps it)
  --operator           an operator of this Kestrel (reads the development mailbox; see "kestrel user operator --help")

Example:
  kestrel user create --email ann@example.com --name "Ann Lee"`,
  options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, operator: { type: 'boolean' } },
  async run(values, io) {
    const email = checkOption(emailSchema, requireOption(values, 'email', this), 'email', this);
    const name = checkOption(nameSchema, requireOption(values, 'name', this), 'name', this);
    const given = optionalString(values, 'password');
    const password = given === undefined ? randomToken(15) : checkOption(passwordSchema, given, 'password', this);

    const user = await withServices(io, async (services) => {
      const passwordHash = await hashPassword(password, services.passwordPolicy);
      const now = new Date();
      const [row] = await services.database.system
        .insert(users)
        .values({ email, name, passwordHash, emailVerifiedAt: now, ageConfirmedAt: now, operator: values.operator === true })
        .onConflictDoNothing()
        .returning({ id: users.id });
      if (!row) throw new CliError(`A user with the email ${email} already exists.`);
      return row;
    });
    io.stdout.write(`Created user ${email} (${user.id})${values.operator === true ? ', an operator of this Kestrel' : ''}.\n`);
    if (given === undefined) io.stdout.write(`Password: ${password}\n(Shown once. Ask them to change it after signing in.)\n`);
  },
};
