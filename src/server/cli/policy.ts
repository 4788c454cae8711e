import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MATERIAL_NOTICE_DAYS, PolicyError, publishPolicy } from '../modules/policies/policies';
import { CliError, UsageError, optionalString, requireOption, type Command } from './command';
import { withServices } from './platform';

export const policyPublishCommand: Command = {
  name: 'policy publish',
  summary: 'Publish a privacy policy version (material changes: email now, notice at sign-in)',
  help: `Usage: kestrel policy publish --file FILE --effective YYYY-MM-DD --summary TEXT [--material] [--title TEXT]

Publishes a new version of the installation's privacy policy (PRIV-7). With --material the change
must take effect at least ${MATERIAL_NOTICE_DAYS} days from today: every person with an account is
emailed now, and sees a notice at their next sign-in until they acknowledge it (acknowledgements
are recorded).

Options:
  --file FILE            the policy text (Markdown or plain text)
  --effective DATE       the day it applies, YYYY-MM-DD (UTC)
  --summary TEXT         one or two sentences on what changed, for the email and the notice
  --material             a material change (see above)
  --title TEXT           default: "Privacy policy"

Example:
  kestrel policy publish --material --effective 2027-01-15 --summary "We now use an AI provider in the EU." --file privacy.md`,
  options: { file: { type: 'string' }, effective: { type: 'string' }, summary: { type: 'string' }, material: { type: 'boolean' }, title: { type: 'string' } },
  async run(values, io) {
    const file = path.resolve(requireOption(values, 'file', this));
    const effective = requireOption(values, 'effective', this);
    const summary = requireOption(values, 'summary', this).trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(effective) || Number.isNaN(Date.parse(`${effective}T00:00:00Z`))) throw new UsageError('--effective: a date like 2027-01-15.', this.name);
    if (summary.length > 1000) throw new UsageError('--summary: at most 1000 characters.', this.name);
    const title = (optionalString(values, 'title') ?? 'Privacy policy').trim().slice(0, 200);
    let body: string;
    try {
      body = await readFile(file, 'utf8');
    } catch (error) {
      throw new CliError(`Cannot read ${file}: ${(error as { code?: string }).code ?? String(error)}`);
    }
    if (!body.trim()) throw new CliError(`${file} is empty.`);
    if (body.length > 200_000) throw new CliError(`${file} is longer than 200,000 characters.`);
    await withServices(io, async (services) => {
      try {
        const result = await publishPolicy(services, { title, summary, body, material: values.material === true, effectiveAt: new Date(`${effective}T00:00:00Z`) });
        io.stdout.write(`Published ${title} (${result.id}), effective ${effective}.${values.material ? ` Emailed ${result.emailed} people; each sees a notice at their next sign-in.` : ''}\n`);
      } catch (error) {
        if (error instanceof PolicyError) throw new CliError(error.message);
        throw error;
      }
    });
  },
};
