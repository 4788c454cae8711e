import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { withTenant } from '../../../platform/db/tenant';
import { AppError, notFound } from '../../../platform/http/errors';
import { chargeEnrichment, releaseEnrichment } from '../../billing/charge';
import { companies, contacts } from '../../crm/crm.schema';
import { canSeeRecord } from '../../crm';
import { dataProviderMissingMessage } from '../../enrichment/enrichment-errors';
import { resolveDataProvider } from '../../enrichment/manage-data-provider';
import { enrichers } from '../../enrichment/providers/people-data-labs';
import type { PersonMatch, PersonQuery } from '../../enrichment/providers/types';
import type { UpdateContactPayload } from '../agents.contract';
import { defineTool } from '../runtime/tool';
import { proposeAndReport } from './proposal-tools';

const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

/** What the match adds to or corrects in the contact; unchanged and unknown facts are left out. */
export function enrichmentChanges(contact: { title: string | null; city: string | null; state: string | null; country: string | null }, companyName: string | null, match: PersonMatch): UpdateContactPayload['changes'] {
  const changes: UpdateContactPayload['changes'] = {};
  if (match.jobTitle && !same(match.jobTitle, contact.title)) changes.title = match.jobTitle.slice(0, 200);
  if (match.city && !same(match.city, contact.city)) changes.city = match.city.slice(0, 100);
  if (match.region && !same(match.region, contact.state)) changes.state = match.region.slice(0, 100);
  if (match.country && !same(match.country, contact.country)) changes.country = match.country.slice(0, 100);
  if (match.companyName && !same(match.companyName, companyName)) {
    changes.companyName = match.companyName.slice(0, 200);
    changes.companyDomain = match.companyWebsite;
  }
  if (match.linkedinUrl && match.linkedinUrl.length <= 500) changes.linkedinUrl = match.linkedinUrl;
  return changes;
}

const describe = (m: PersonMatch) =>
  [
    m.fullName && `name ${m.fullName}`,
    m.jobTitle && `title ${m.jobTitle}`,
    m.companyName && `company ${m.companyName}${m.companyWebsite ? ` (${m.companyWebsite})` : ''}`,
    [m.city, m.region, m.country].some(Boolean) && `place ${[m.city, m.region, m.country].filter(Boolean).join(', ')}`,
    m.linkedinUrl && `LinkedIn ${m.linkedinUrl}`,
  ]
    .filter(Boolean)
    .join('; ');

/**
 * AI-2 (Hunter): looks a contact up with the workspace's data provider and proposes the facts
 * it adds as a contact update (AI-5: a person approves it unless Hunter is on autopilot). The
 * contact's email or phone goes to the provider, never to the model; restricted contacts are
 * never looked up (AI-6). Offered only when the workspace has a data provider.
 */
export const enrichContact = defineTool({
  name: 'enrich_contact',
  description:
    "Look a contact up with the workspace's data provider (People Data Labs) by their email, else phone, else name and company, and propose filling in or correcting " +
    'their job title, company, city/state/country and LinkedIn profile. A person approves the update unless autopilot is on. A match may cost the workspace a credit: enrich only the contacts the task is about.',
  input: z.strictObject({
    contactId: z.uuid(),
    rationale: z.string().trim().min(1).max(2000).optional().describe('Why this contact is worth enriching, for the person approving it'),
  }),
  changes: true,
  async run({ contactId, rationale }, env) {
    if (env.run.agent === 'brain') return { output: 'The brain answers questions; it does not enrich records.', summary: 'refused' };
    const provider = await resolveDataProvider(env.services, env.ctx);
    if (!provider) return { output: dataProviderMissingMessage, summary: 'no data provider' };
    const found = await withTenant(env.services.database.db, env.ctx, async (tx) => {
      if (!(await canSeeRecord(tx, env.ctx, 'contacts', contactId))) return null;
      const [contact] = await tx.select().from(contacts).where(and(eq(contacts.workspaceId, env.ctx.workspaceId), eq(contacts.id, contactId)));
      if (!contact) return null;
      const [company] = contact.companyId ? await tx.select({ name: companies.name }).from(companies).where(and(eq(companies.workspaceId, env.ctx.workspaceId), eq(companies.id, contact.companyId))) : [];
      return { contact, companyName: company?.name ?? null };
    });
    if (!found) throw notFound('Contact');
    const { contact, companyName } = found;
    if (contact.restricted) return { output: `The contact ${contactId} cannot be shared with the assistant (restricted).`, summary: `contacts/${contactId}: restricted` };
    const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
    const query: PersonQuery | null = contact.email ? { email: contact.email } : contact.phone ? { phone: contact.phone } : name && companyName ? { name, company: companyName } : null;
    env.records.add('contacts', contact.id, name || '(no name)');
    if (!query) return { output: 'This contact has no email, phone, or name with a company to look up.', summary: 'nothing to look up' };
    const enricher = enrichers[provider.kind];
    // BILL-3: a credit is reserved before the look-up and given back unless it finds someone.
    const { db } = env.services.database;
    let charged: string | null;
    try {
      charged = await withTenant(db, env.ctx, (tx) => chargeEnrichment(tx, env.ctx, contact.id));
    } catch (error) {
      if (error instanceof AppError && error.code === 'credits_exhausted') return { output: `${error.message} Nothing was looked up.`, summary: 'no credits left' };
      throw error;
    }
    const giveBack = (why: string) => withTenant(db, env.ctx, (tx) => releaseEnrichment(tx, env.ctx, contact.id, charged, why));
    let match: PersonMatch | null;
    try {
      match = await enricher.enrichPerson(provider, query);
    } catch (error) {
      await giveBack(`${enricher.label} failed: the credit is given back`);
      throw error;
    }
    if (!match) {
      await giveBack(`${enricher.label} found no match: the credit is given back`);
      return { output: `${enricher.label} has no match for this contact. Nothing was changed and no credit was used.`, summary: 'no match' };
    }
    const changes = enrichmentChanges(contact, companyName, match);
    const facts = describe(match) || 'no usable facts';
    if (Object.keys(changes).length === 0) return { output: `${enricher.label} found: ${facts}. The contact already has all of it; nothing to propose.`, summary: 'already up to date' };
    const payload: UpdateContactPayload = { contactId, changes, source: enricher.label, likelihood: match.likelihood };
    const why = rationale ?? `${enricher.label} matched this contact${match.likelihood !== null ? ` (likelihood ${match.likelihood}/10)` : ''}.`;
    const reported = await proposeAndReport(env, 'update_contact', payload, why, `Update ${name || 'contact'} (${Object.keys(changes).filter((k) => k !== 'companyDomain').join(', ')})`);
    return { output: `${enricher.label} found: ${facts}. ${reported.output}`, summary: reported.summary };
  },
});
