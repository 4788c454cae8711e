import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { dataEntries } from '../../platform/data/registry';
import type { Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest, conflict, notFound } from '../../platform/http/errors';
import { queueRenderedMail } from '../../platform/mail/outbox';
import { renderMail, type RenderedMail } from '../../platform/mail/templates';
import type { Services } from '../../platform/services';
import { recordAudit } from '../audit';
import { contacts } from '../crm/crm.schema';
import { workspaceProfile, workspaceMembers } from '../workspaces';
import type { Incident, NoticePreview } from './incidents.contract';
import { breachIncidents } from './incidents.schema';

/** PRIV-6: the people affected must be told without undue delay; the regulator within 72 hours of discovery. */
export const NOTICE_DEADLINE_HOURS = 72;

type Row = typeof breachIncidents.$inferSelect;
type Fields = Partial<Omit<Row, 'workspaceId' | 'id' | 'createdAt' | 'updatedAt' | 'notifiedAt' | 'notifiedCount' | 'createdBy' | 'discoveredAt'>> & { discoveredAt?: string };

export function toIncident(r: Row): Incident {
  return {
    id: r.id,
    title: r.title,
    discoveredAt: r.discoveredAt.toISOString(),
    nature: r.nature,
    consequences: r.consequences,
    measures: r.measures,
    guidance: r.guidance,
    contactPoint: r.contactPoint,
    categories: r.categories,
    scopeKind: r.scopeKind,
    userIds: r.userIds,
    contactIds: r.contactIds,
    deadlineAt: new Date(r.discoveredAt.getTime() + NOTICE_DEADLINE_HOURS * 3_600_000).toISOString(),
    notifiedAt: r.notifiedAt?.toISOString() ?? null,
    notifiedCount: r.notifiedCount,
    createdAt: r.createdAt.toISOString(),
  };
}

/** The kinds of data a breach can involve: the workspace's tables in the data registry, by their descriptions. */
export function dataCategories(): { key: string; description: string }[] {
  return dataEntries()
    .filter((e) => e.scope === 'workspace' || e.table === 'users')
    // Requirement ids in the descriptions ("(CRM-4)") mean nothing to the people a notice goes to.
    .map((e) => ({ key: e.table, description: e.description.replace(/\s*\((?:[A-Z]+-\d+(?:,\s*)?)+\)/g, '') }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

function checkFields(fields: Fields): void {
  const known = new Set(dataCategories().map((c) => c.key));
  const unknown = (fields.categories ?? []).filter((c) => !known.has(c));
  if (unknown.length) throw badRequest('unknown_category', `Not a data category: ${unknown.join(', ')}.`, { categories: unknown });
  if (fields.discoveredAt && new Date(fields.discoveredAt).getTime() > Date.now() + 60_000) throw badRequest('discovered_in_future', 'The discovery time cannot be in the future.');
}

/** Users and contacts named in the scope must belong to this workspace. */
async function checkScope(tx: Tx, ctx: WorkspaceContext, fields: Fields): Promise<void> {
  if (fields.userIds?.length) {
    const found = await workspaceMembers(tx, ctx.workspaceId, { userIds: fields.userIds });
    if (found.length !== new Set(fields.userIds).size) throw badRequest('unknown_user', 'Some of the people chosen are not members of this workspace.');
  }
  if (fields.contactIds?.length) {
    const found = await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, fields.contactIds)));
    if (found.length !== new Set(fields.contactIds).size) throw badRequest('unknown_contact', 'Some of the contacts chosen are not in this workspace.');
  }
}

const dedupe = (fields: Fields): Fields => ({
  ...fields,
  ...(fields.categories ? { categories: [...new Set(fields.categories)] } : {}),
  ...(fields.userIds ? { userIds: [...new Set(fields.userIds)] } : {}),
  ...(fields.contactIds ? { contactIds: [...new Set(fields.contactIds)] } : {}),
});

export async function listIncidents(services: Services, ctx: WorkspaceContext): Promise<Incident[]> {
  const rows = await withTenant(services.database.db, ctx, (tx) => tx.select().from(breachIncidents).where(eq(breachIncidents.workspaceId, ctx.workspaceId)).orderBy(desc(breachIncidents.discoveredAt)).limit(500));
  return rows.map(toIncident);
}

export async function getIncident(services: Services, ctx: WorkspaceContext, id: string): Promise<Incident> {
  return toIncident(await withTenant(services.database.db, ctx, (tx) => loadIncident(tx, ctx, id)));
}

async function loadIncident(tx: Tx, ctx: WorkspaceContext, id: string): Promise<Row> {
  const [row] = await tx.select().from(breachIncidents).where(and(eq(breachIncidents.workspaceId, ctx.workspaceId), eq(breachIncidents.id, id)));
  if (!row) throw notFound('Incident');
  return row;
}

export async function createIncident(services: Services, ctx: WorkspaceContext, input: Fields & { title: string; discoveredAt: string; nature: string; contactPoint: string }): Promise<Incident> {
  const fields = dedupe(input);
  checkFields(fields);
  return withTenant(services.database.db, ctx, async (tx) => {
    await checkScope(tx, ctx, fields);
    const [row] = await tx
      .insert(breachIncidents)
      .values({ ...fields, title: input.title, nature: input.nature, contactPoint: input.contactPoint, workspaceId: ctx.workspaceId, discoveredAt: new Date(input.discoveredAt), createdBy: ctx.userId })
      .returning();
    await recordAudit(tx, ctx, { action: 'incident.recorded', targetType: 'breach_incident', targetId: row!.id, details: { title: row!.title, discoveredAt: row!.discoveredAt.toISOString() } });
    return toIncident(row!);
  });
}

export async function updateIncident(services: Services, ctx: WorkspaceContext, id: string, input: Fields): Promise<Incident> {
  const fields = dedupe(input);
  checkFields(fields);
  return withTenant(services.database.db, ctx, async (tx) => {
    const current = await loadIncident(tx, ctx, id);
    await checkScope(tx, ctx, fields);
    const { discoveredAt, ...rest } = fields;
    const [row] = await tx
      .update(breachIncidents)
      .set({ ...rest, ...(discoveredAt ? { discoveredAt: new Date(discoveredAt) } : {}), updatedAt: new Date() })
      .where(and(eq(breachIncidents.workspaceId, ctx.workspaceId), eq(breachIncidents.id, current.id)))
      .returning();
    await recordAudit(tx, ctx, { action: 'incident.updated', targetType: 'breach_incident', targetId: id, details: { fields: Object.keys(fields) } });
    return toIncident(row!);
  });
}

/** Everyone the notice goes to: email addresses, each once, with how many users and contacts are affected. */
async function recipients(tx: Tx, ctx: WorkspaceContext, row: Row): Promise<{ emails: string[]; affectedUsers: number; affectedContacts: number }> {
  const members = (await workspaceMembers(tx, ctx.workspaceId, row.scopeKind === 'all_users' ? {} : { userIds: row.userIds })).map((m) => ({ id: m.userId, email: m.email }));
  const people = row.contactIds.length
    ? await tx.select({ id: contacts.id, email: contacts.email }).from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, row.contactIds), isNotNull(contacts.email)))
    : [];
  const emails = [...new Set([...members.map((m) => m.email.toLowerCase()), ...people.map((p) => p.email!.toLowerCase())])];
  return { emails, affectedUsers: members.length, affectedContacts: row.contactIds.length };
}

/**
 * The notice with what the law requires of it: the nature of the breach, the categories of data
 * and how many people are affected, the likely consequences, the measures taken, and a contact point.
 */
export function renderNotice(row: Row, workspaceName: string, affected: number): RenderedMail {
  const categoryText = new Map(dataCategories().map((c) => [c.key, c.description]));
  const categories = row.categories.map((c) => categoryText.get(c) ?? c);
  return renderMail(`Important: a personal data breach at ${workspaceName}`, [
    `We are writing to tell you about a personal data breach at ${workspaceName} that involves your data. It was discovered on ${row.discoveredAt.toUTCString()}.`,
    `What happened: ${row.nature}`,
    `Which data: ${categories.length ? categories.join(' ') : 'we are still establishing which kinds of data were involved.'}`,
    `People affected: ${affected}.`,
    `Likely consequences: ${row.consequences || 'we are still assessing the likely consequences.'}`,
    `What we have done: ${row.measures || 'we are investigating and will write again with the measures taken.'}`,
    ...(row.guidance ? [`What you can do: ${row.guidance}`] : []),
    `Who to contact: ${row.contactPoint}`,
  ]);
}

export async function previewNotice(services: Services, ctx: WorkspaceContext, id: string): Promise<NoticePreview> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const row = await loadIncident(tx, ctx, id);
    const ws = await workspaceProfile(tx, ctx.workspaceId);
    const r = await recipients(tx, ctx, row);
    return { ...renderNotice(row, ws!.name, r.affectedUsers + r.affectedContacts), recipients: r.emails.length, affectedUsers: r.affectedUsers, affectedContacts: r.affectedContacts };
  });
}

/** Queues the notice to every affected person through the mail outbox, once per incident; audited. */
export async function sendNotice(services: Services, ctx: WorkspaceContext, id: string): Promise<Incident> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const row = await loadIncident(tx, ctx, id);
    if (row.notifiedAt) throw conflict('already_notified', `The notice was already sent on ${row.notifiedAt.toUTCString()}.`);
    const r = await recipients(tx, ctx, row);
    if (!r.emails.length) throw badRequest('no_recipients', 'Choose who is affected first: nobody in the scope has an email address.');
    const ws = await workspaceProfile(tx, ctx.workspaceId);
    const notice = renderNotice(row, ws!.name, r.affectedUsers + r.affectedContacts);
    for (const to of r.emails) await queueRenderedMail(tx, { from: services.mail.from, to, template: 'breach_notice', rendered: notice });
    const now = new Date();
    const [updated] = await tx
      .update(breachIncidents)
      .set({ notifiedAt: now, notifiedCount: r.emails.length, updatedAt: now })
      .where(and(eq(breachIncidents.workspaceId, ctx.workspaceId), eq(breachIncidents.id, id)))
      .returning();
    const hours = Math.round(((now.getTime() - row.discoveredAt.getTime()) / 3_600_000) * 10) / 10;
    await recordAudit(tx, ctx, { action: 'incident.notified', targetType: 'breach_incident', targetId: id, details: { recipients: r.emails.length, hoursSinceDiscovery: hours, withinDeadline: hours <= NOTICE_DEADLINE_HOURS } });
    return toIncident(updated!);
  });
}
