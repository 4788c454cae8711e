import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import type { WorkspaceContext } from '../../../platform/db/tenant';
import { badRequest, conflict, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { logActivity } from '../../activities/create-activity';
import { contacts, deals } from '../../crm/crm.schema';
import { findDealRow } from '../../crm/deals/get-deal';
import { moveDealIn } from '../../crm/deals/move-deal';
import { assertRecordAccess } from '../../crm';
import { proposalPayloads, type AgentName, type CitedRecord, type CreateTasksPayload, type MoveDealPayload, type ProposalKind, type SaveCallScriptPayload, type SaveSequencePayload, type SaveTemplatePayload, type SendEmailPayload, type SendMessagePayload, type UpdateContactPayload } from '../agents.contract';
import { checkWrittenSequence, checkWrittenTemplate, saveWrittenSequence, saveWrittenTemplate, sendOutreachMail, suppressionOf } from '../../outreach';
import { checkSendMessage, sendApprovedMessage } from './send-message';
import { applyContactUpdate, checkContactUpdate } from './update-contact';

const DAY = 86_400_000;

/** Why a contact may not be emailed by an agent, or null when they may (outreach stays legal). */
export function emailBlocker(contact: { email: string | null; restricted: boolean; consentState: string }): string | null {
  if (contact.restricted) return 'This contact is restricted: agents do not write to them.';
  if (!contact.email) return 'This contact has no email address.';
  if (contact.consentState === 'denied' || contact.consentState === 'withdrawn') return `This contact has ${contact.consentState} consent to be contacted.`;
  return null;
}

/**
 * Checks a proposal's payload against the workspace as it is now, as the person who will
 * carry it out, and names the records involved. Throws a 400/403/404 a person can read.
 */
export async function checkProposal(tx: Tx, ctx: WorkspaceContext, kind: ProposalKind, raw: unknown): Promise<{ payload: Record<string, unknown>; records: CitedRecord[] }> {
  const parsed = proposalPayloads[kind].safeParse(raw);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || 'payload', i.message]));
    throw badRequest('validation_failed', `The proposal is not valid (${Object.keys(fields).join(', ')}).`, { fields, in: 'body' });
  }
  const records: CitedRecord[] = [];
  if (kind === 'send_email') {
    const p = parsed.data as SendEmailPayload;
    await assertRecordAccess(tx, ctx, 'contacts', p.contactId, 'read');
    const [contact] = await tx.select().from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, p.contactId)));
    if (!contact) throw notFound('Contact');
    const blocker = emailBlocker(contact);
    if (blocker) throw badRequest('cannot_email_contact', blocker, { fields: { contactId: blocker } });
    records.push({ type: 'contacts', id: contact.id, label: [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.email! });
    if (p.dealId) {
      await assertRecordAccess(tx, ctx, 'deals', p.dealId, 'read');
      const deal = await findDealRow(tx, ctx, p.dealId);
      if (!deal) throw notFound('Deal');
      records.push({ type: 'deals', id: deal.id, label: deal.name });
    }
  } else if (kind === 'move_deal') {
    const p = parsed.data as MoveDealPayload;
    await assertRecordAccess(tx, ctx, 'deals', p.dealId, 'read');
    const deal = await findDealRow(tx, ctx, p.dealId);
    if (!deal) throw notFound('Deal');
    records.push({ type: 'deals', id: deal.id, label: deal.name });
  } else if (kind === 'update_contact') {
    records.push(...(await checkContactUpdate(tx, ctx, parsed.data as UpdateContactPayload)));
  } else if (kind === 'send_message') {
    records.push(...(await checkSendMessage(tx, ctx, parsed.data as SendMessagePayload)));
  } else if (kind === 'save_template') {
    const p = parsed.data as SaveTemplatePayload;
    checkWrittenTemplate({ subject: p.subject, text: p.body });
  } else if (kind === 'save_call_script') {
    const p = parsed.data as SaveCallScriptPayload;
    checkWrittenTemplate({ subject: p.name, text: p.body });
  } else if (kind === 'save_sequence') {
    checkWrittenSequence(parsed.data as SaveSequencePayload);
  } else {
    const p = parsed.data as CreateTasksPayload;
    for (const t of p.tasks) await assertRecordAccess(tx, ctx, t.recordType, t.recordId, 'read');
    const dealIds = p.tasks.filter((t) => t.recordType === 'deals').map((t) => t.recordId);
    if (dealIds.length) {
      for (const d of await tx.select({ id: deals.id, name: deals.name }).from(deals).where(and(eq(deals.workspaceId, ctx.workspaceId), inArray(deals.id, dealIds)))) records.push({ type: 'deals', id: d.id, label: d.name });
    }
  }
  return { payload: parsed.data as Record<string, unknown>, records };
}

/**
 * AI-5: carries out an approved proposal inside the caller's transaction, as the approver (or,
 * on autopilot, as the person who ran the agent): their role and record access apply.
 */
export async function carryOut(
  services: Services,
  tx: Tx,
  ctx: WorkspaceContext,
  kind: ProposalKind,
  raw: unknown,
  origin: { agent: AgentName; proposalId: string; autopilot: boolean },
): Promise<Record<string, unknown>> {
  const { payload } = await checkProposal(tx, ctx, kind, raw);
  if (kind === 'send_message') return sendApprovedMessage(services, tx, ctx, payload as SendMessagePayload, origin);
  if (kind === 'send_email') {
    // AI-7: an approved email leaves through outreach's one send path: suppression, restriction and the
    // address are checked there at the moment it is sent; an agent also never writes to an address on
    // the suppression list for any reason (unsubscribed included). Sent once per proposal.
    const p = payload as SendEmailPayload;
    await assertRecordAccess(tx, ctx, 'contacts', p.contactId, 'write');
    const [contact] = await tx.select({ email: contacts.email }).from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, p.contactId)));
    const suppressed = contact?.email ? await suppressionOf(tx, ctx.workspaceId, contact.email) : null;
    if (suppressed) throw conflict('mail_blocked', `Not sent: this address is on the suppression list (${suppressed.reason}).`, { reason: suppressed.reason });
    const html = p.body
      .split(/\n\s*\n/)
      .map((para) => `<p>${para.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\n', '<br>')}</p>`)
      .join('');
    const outcome = await sendOutreachMail(services, ctx, { contactId: p.contactId, stream: 'transactional', commercial: true, subject: p.subject, html, text: p.body, idempotencyKey: `proposal:${origin.proposalId}`, dealId: p.dealId ?? undefined });
    if (outcome.status === 'blocked') throw conflict('mail_blocked', `Not sent: ${outcome.message}`, { reason: outcome.reason });
    return { messageId: outcome.messageId, to: contact!.email };
  }
  if (kind === 'move_deal') {
    const p = payload as MoveDealPayload;
    const deal = await findDealRow(tx, ctx, p.dealId);
    if (!deal) throw notFound('Deal');
    const moved = await moveDealIn(tx, ctx, p.dealId, { stageId: p.stageId, version: deal.version, lostReason: p.lostReason ?? null });
    return { dealId: moved.id, stage: moved.stage.name, status: moved.status };
  }
  if (kind === 'update_contact') return applyContactUpdate(tx, ctx, payload as UpdateContactPayload);
  if (kind === 'save_template') {
    const p = payload as SaveTemplatePayload;
    const t = await saveWrittenTemplate(tx, ctx, { kind: 'email', name: p.name, subject: p.subject, text: p.body, stream: p.stream });
    return { templateId: t.id, name: t.name };
  }
  if (kind === 'save_call_script') {
    const p = payload as SaveCallScriptPayload;
    const t = await saveWrittenTemplate(tx, ctx, { kind: 'call_script', name: p.name, subject: p.name, text: p.body });
    return { templateId: t.id, name: t.name };
  }
  if (kind === 'save_sequence') {
    const p = payload as SaveSequencePayload;
    const saved = await saveWrittenSequence(tx, ctx, p);
    return { sequenceId: saved.sequenceId, templateIds: saved.templateIds, name: p.name, status: 'draft' };
  }
  const p = payload as CreateTasksPayload;
  const ids: string[] = [];
  for (const t of p.tasks) {
    await assertRecordAccess(tx, ctx, t.recordType, t.recordId, 'write');
    const task = await logActivity(tx, ctx, {
      kind: 'task',
      subject: t.title,
      taskDueAt: t.dueInDays === null || t.dueInDays === undefined ? null : new Date(Date.now() + t.dueInDays * DAY),
      assigneeUserId: ctx.userId,
      links: [{ recordType: t.recordType, recordId: t.recordId }],
    });
    ids.push(task.id);
  }
  return { taskIds: ids };
}
