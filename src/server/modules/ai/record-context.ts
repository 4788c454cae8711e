import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { companies, contacts, deals, pipelineStages } from '../crm/crm.schema';
import { loadVisibility, withVisibility } from '../crm';
import type { AiRecordRef } from './ai.contract';
import { aiSettings } from './ai.schema';

export type ContextRecordType = 'contacts' | 'companies' | 'deals';

export interface RecordContext {
  /** Plain text to put in a prompt, one record per line, each tagged `[type/id]` so answers can cite it. */
  text: string;
  /** The records actually included: pass these as `recordRefs` to `runModel` (AI-4). */
  refs: AiRecordRef[];
  /** The same records with a label (a name), for citing them in the UI (AI-3). */
  labelled: { type: ContextRecordType; id: string; label: string }[];
  /** How many requested records were left out: restricted, not visible to the member, or gone. */
  omitted: number;
}

const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
// Runs of digits with the usual phone separators; checked below to hold at least 7 digits and not be a date.
const PHONE_CANDIDATE = /\+?\(?\d[\d\s().-]{5,}\d/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** AI-6: replaces email addresses and phone numbers in free text with placeholders. */
export function redactPii(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE_CANDIDATE, (m) => {
    const digits = m.replace(/\D/g, '').length;
    return digits >= 7 && digits <= 15 && !ISO_DATE.test(m.trim()) ? '[phone]' : m;
  });
}

export async function readAiSettings(tx: Tx, workspaceId: string): Promise<{ redactPii: boolean }> {
  const [row] = await tx.select({ redactPii: aiSettings.redactPii }).from(aiSettings).where(eq(aiSettings.workspaceId, workspaceId));
  return { redactPii: row?.redactPii ?? false };
}

const idsOf = (refs: AiRecordRef[], type: ContextRecordType) => [...new Set(refs.filter((r) => r.type === type).map((r) => r.id))].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
const join = (parts: (string | null | undefined | false)[]) => parts.filter(Boolean).join('; ');

/**
 * AI-6: the minimal context for a prompt — only the records asked for, only the fields a sales
 * task needs, never a restricted contact (not even as a deal's or company's contact), only
 * records the member may see, and with emails and phone numbers replaced when the workspace
 * redacts them. Secrets and custom fields are never included.
 */
export async function buildRecordContext(db: Db, ctx: WorkspaceContext, requested: AiRecordRef[]): Promise<RecordContext> {
  return withTenant(db, ctx, async (tx) => {
    const { redactPii: redact } = await readAiSettings(tx, ctx.workspaceId);
    const visibility = await loadVisibility(tx, ctx);
    const pii = (value: string | null) => (value && redact ? '[redacted]' : value);
    const free = (value: string | null) => (value && redact ? redactPii(value) : value);
    const lines: string[] = [];
    const refs: AiRecordRef[] = [];
    const labelled: RecordContext['labelled'] = [];

    const contactIds = idsOf(requested, 'contacts');
    const companyIds = idsOf(requested, 'companies');
    const dealIds = idsOf(requested, 'deals');

    const dealRows = dealIds.length
      ? await tx.select().from(deals).where(withVisibility(visibility, 'deals', and(eq(deals.workspaceId, ctx.workspaceId), inArray(deals.id, dealIds))))
      : [];
    // A deal's contact and company are named in its line; load them with the rest.
    const contactLookup = [...new Set([...contactIds, ...dealRows.map((d) => d.contactId).filter((id): id is string => !!id)])];
    const contactRows = contactLookup.length
      ? await tx.select().from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, contactLookup), eq(contacts.restricted, false)))
      : [];
    const visibleContacts = new Set(
      contactIds.length
        ? (await tx.select({ id: contacts.id }).from(contacts).where(withVisibility(visibility, 'contacts', and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, contactIds))))).map((r) => r.id)
        : [],
    );
    const companyLookup = [...new Set([...companyIds, ...contactRows.map((c) => c.companyId), ...dealRows.map((d) => d.companyId)].filter((id): id is string => !!id))];
    const companyRows = companyLookup.length ? await tx.select().from(companies).where(and(eq(companies.workspaceId, ctx.workspaceId), inArray(companies.id, companyLookup))) : [];
    const visibleCompanies = new Set(
      companyIds.length
        ? (await tx.select({ id: companies.id }).from(companies).where(withVisibility(visibility, 'companies', and(eq(companies.workspaceId, ctx.workspaceId), inArray(companies.id, companyIds))))).map((r) => r.id)
        : [],
    );
    const stageIds = [...new Set(dealRows.map((d) => d.stageId))];
    const stageRows = stageIds.length
      ? await tx.select({ id: pipelineStages.id, name: pipelineStages.name }).from(pipelineStages).where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), inArray(pipelineStages.id, stageIds)))
      : [];
    const stageById = new Map(stageRows.map((s) => [s.id, s.name]));
    const contactById = new Map(contactRows.map((c) => [c.id, c]));
    const companyById = new Map(companyRows.map((c) => [c.id, c]));
    const personName = (c: { firstName: string | null; lastName: string | null }) => [c.firstName, c.lastName].filter(Boolean).join(' ') || '(no name)';

    for (const id of contactIds) {
      const c = contactById.get(id);
      if (!c || !visibleContacts.has(id)) continue;
      const company = c.companyId ? companyById.get(c.companyId) : undefined;
      lines.push(
        `[contacts/${c.id}] ${personName(c)} — ${join([
          c.title && `title: ${free(c.title)}`,
          company && `company: ${company.name}`,
          c.email && `email: ${pii(c.email)}`,
          c.phone && `phone: ${pii(c.phone)}`,
          c.city && `city: ${c.city}`,
          c.state && `state: ${c.state}`,
          c.country && `country: ${c.country}`,
          `lifecycle: ${c.lifecycle}`,
          `score: ${c.score}`,
        ])}`,
      );
      refs.push({ type: 'contacts', id: c.id });
      labelled.push({ type: 'contacts', id: c.id, label: personName(c) });
    }
    for (const id of companyIds) {
      const c = companyById.get(id);
      if (!c || !visibleCompanies.has(id)) continue;
      lines.push(`[companies/${c.id}] ${c.name} — ${join([c.domain && `domain: ${c.domain}`, c.industry && `industry: ${c.industry}`, c.size && `size: ${c.size}`, c.city && `city: ${c.city}`, c.state && `state: ${c.state}`, c.country && `country: ${c.country}`])}`);
      refs.push({ type: 'companies', id: c.id });
      labelled.push({ type: 'companies', id: c.id, label: c.name });
    }
    for (const d of dealRows) {
      // A restricted contact is not loaded, so the deal line simply does not name them.
      const contact = d.contactId ? contactById.get(d.contactId) : undefined;
      const company = d.companyId ? companyById.get(d.companyId) : undefined;
      lines.push(
        `[deals/${d.id}] ${free(d.name)} — ${join([
          `stage: ${stageById.get(d.stageId) ?? 'unknown'} (stage id ${d.stageId})`,
          `status: ${d.status}`,
          d.status === 'lost' && d.lostReason && `lost reason: ${free(d.lostReason)}`,
          d.amount !== null && `amount: ${d.amount} ${d.currency}`,
          d.expectedCloseDate && `expected close: ${d.expectedCloseDate}`,
          d.probability !== null && `probability: ${d.probability}%`,
          contact && `contact: ${personName(contact)}`,
          company && `company: ${company.name}`,
        ])}`,
      );
      refs.push({ type: 'deals', id: d.id });
      labelled.push({ type: 'deals', id: d.id, label: d.name });
    }
    const asked = contactIds.length + companyIds.length + dealIds.length;
    return { text: lines.join('\n'), refs, labelled, omitted: asked - refs.length };
  });
}
