import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, badRequest } from '../../../platform/http/errors';
import { logActivity, type LogActivityInput } from '../../activities';
import { contactPhonesForCall, normalisePhone } from '../../crm';
import { recordAudit } from '../../audit';
import { markContactDoNotCall } from './add-to-do-not-call';
import type { LogCallInput, LogCallResult } from './calls.contract';
import { outreachTemplates } from '../outreach.schema';
import { doNotCall } from './calls.schema';
import { dncMessage, findDoNotCall } from './dnc-numbers';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const notesHtml = (notes: string) =>
  notes
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');

const subjects: Record<LogCallInput['outcome'], string> = {
  connected: 'Call: connected',
  left_voicemail: 'Call: left a voicemail',
  no_answer: 'Call: no answer',
  busy: 'Call: busy',
  wrong_number: 'Call: wrong number',
  do_not_call: 'Call: asked not to be called again',
};

/**
 * CALL-1: a call's outcome and duration land on the contact's timeline, with an optional follow-up
 * task. CALL-2: a call to a number on the do-not-call list is refused (409, with the reason); the
 * outcome "do not call" puts every number of the contact on the list in the same transaction.
 */
export async function logCall(db: Db, ctx: WorkspaceContext, contactId: string, input: LogCallInput): Promise<LogCallResult> {
  return withTenant(db, ctx, async (tx) => {
    const contact = await contactPhonesForCall(tx, ctx, contactId, { lock: true });
    const number = input.number ? await normalisePhone(tx, ctx, input.number) : contact?.phone ?? null;
    if (input.number && !number) throw badRequest('validation_failed', 'Not a valid phone number.', { fields: { number: 'Not a valid phone number.' }, in: 'body' });
    if (!number) throw new AppError('no_phone_number', 409, 'This contact has no phone number; add one before logging a call.');

    const [listed] = await tx.select().from(doNotCall).where(and(eq(doNotCall.workspaceId, ctx.workspaceId), eq(doNotCall.number, number)));
    if (listed) {
      throw new AppError('do_not_call', 409, `${number} may not be called. ${dncMessage(listed)}`, { number, source: listed.source, reason: listed.reason, since: listed.createdAt.toISOString() });
    }
    // CALL-2, PRIV-3: an erased person's number (kept only as a hash on the suppression list) is refused too.
    const erased = (await findDoNotCall(tx, ctx.workspaceId, [number])).get(number);
    if (erased) throw new AppError('do_not_call', 409, `${number} may not be called. ${dncMessage(erased)}`, { number, source: erased.source, reason: null, since: null });

    // CALL-1: the script used on the call, recorded with its name as it is now.
    let callScript: { id: string; name: string } | null = null;
    if (input.scriptId) {
      const [script] = await tx.select({ id: outreachTemplates.id, name: outreachTemplates.name, kind: outreachTemplates.kind }).from(outreachTemplates).where(and(eq(outreachTemplates.workspaceId, ctx.workspaceId), eq(outreachTemplates.id, input.scriptId)));
      if (!script) throw badRequest('call_script_not_found', 'No call script with this id in this workspace.', { fields: { scriptId: 'No such call script.' }, in: 'body' });
      if (script.kind !== 'call_script') throw badRequest('not_a_call_script', `"${script.name}" is an email template, not a call script: choose a call script.`, { fields: { scriptId: 'Not a call script.' }, in: 'body' });
      callScript = { id: script.id, name: script.name };
    }
    const links: LogActivityInput['links'] = [{ recordType: 'contacts', recordId: contactId }];
    const dnc = input.outcome === 'do_not_call';
    const notes = input.notes?.trim() ? notesHtml(input.notes) : '';
    const activity = await logActivity(tx, ctx, {
      kind: 'call',
      subject: subjects[input.outcome],
      body: `<p>Called ${escapeHtml(number)}.</p>${notes}` || null,
      // The person answered and asked not to be called: the call connected.
      callOutcome: input.outcome === 'do_not_call' ? 'connected' : input.outcome,
      callDurationSeconds: input.durationSeconds,
      callScript,
      links,
    });
    const added = dnc ? await markContactDoNotCall(tx, ctx, contactId, 'Asked during a call not to be called again') : [];
    const task =
      input.followUp && !dnc
        ? await logActivity(tx, ctx, { kind: 'task', subject: input.followUp.subject, taskDueAt: input.followUp.dueAt ? new Date(input.followUp.dueAt) : null, links })
        : null;
    if (dnc) await recordAudit(tx, ctx, { action: 'calls.do_not_call', targetType: 'contact', targetId: contactId, details: { numbers: added.map((a) => a.number) } });
    return { activityId: activity.id, taskId: task?.id ?? null, addedToDoNotCall: added.map((a) => a.number) };
  });
}
