import nodemailer from 'nodemailer';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bounceReport } from '../../../../../test/helpers/bounce-mail';
import { ownerWithWorkspace, TestClient } from '../../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server';
import type { ReceivedMail } from '../../../../../test/helpers/smtp-sink';
import { startInboundSmtp, type InboundSmtp } from '../../conversations/inbound-smtp';
import { sendDueSteps } from './send-sequence';
import { AUTO_REPLY_PAUSE_DAYS } from './stop-enrolments';
import { nextSendTime } from './send-window';
import { nyWeekday } from '../../booking/booking.fixtures';

let server: TestServer;
let receiver: InboundSmtp;
beforeAll(async () => {
  server = await startTestServer({ INBOUND_MAIL_DOMAIN: 'in.kestrel.test' });
  receiver = await startInboundSmtp(server.services, { port: 0, host: '127.0.0.1' });
}, 300_000);
afterAll(() => receiver?.close());

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (o: Owner, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const DAY = 86_400_000;
let n = 0;

async function workspace(name: string) {
  const o = await ownerWithWorkspace(server, name);
  expect((await o.client.patch(`/api/workspaces/${o.workspaceId}`, { mailingAddress: '4 Mill Lane, Leeds LS1 4AB, UK' })).statusCode).toBe(200);
  return o;
}

/** A lead in New York, with marketing consent on record unless `consent` is false. */
async function lead(o: Owner, consent = true) {
  const email = `lead${Date.now().toString(36)}${n++}@prospect.test`;
  const res = await o.client.post(api(o, '/contacts'), { firstName: `Lead${n}`, emails: [email], lifecycle: 'lead', timeZone: 'America/New_York' });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  if (consent) expect((await o.client.post(api(o, `/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'https://mill.example/demo-request' })).statusCode).toBe(200);
  return { id, email };
}

/** A two-step sequence (day 0, day 3) and a saved view of the workspace's leads. */
async function sequenceAndView(o: Owner) {
  const t1 = await o.client.post(api(o, '/outreach/templates'), { name: 'Intro', subject: 'Hello from {{workspace.name}}', html: '<p>Hi {{contact.firstName | "there"}}, may we show you our flour?</p>' });
  const t2 = await o.client.post(api(o, '/outreach/templates'), { name: 'Nudge', subject: 'Following up', html: '<p>Hi {{contact.firstName | "there"}}, any thoughts?</p>' });
  const seq = await o.client.post(api(o, '/outreach/sequences'), { name: 'Demo follow-up', steps: [{ templateId: t1.json().id, delayDays: 0 }, { templateId: t2.json().id, delayDays: 3 }] });
  expect(seq.statusCode, seq.body).toBe(201);
  const view = await o.client.post(api(o, '/views'), { name: 'Leads', shared: true, definition: { object: 'contacts', columns: ['name', 'email'], filter: { match: 'all', conditions: [{ field: 'lifecycle', op: 'eq', value: 'lead' }] } } });
  expect(view.statusCode, view.body).toBe(201);
  return { sequenceId: seq.json().id as string, viewId: view.json().id as string };
}

const enrolments = async (o: Owner, sequenceId: string) => (await o.client.get(api(o, `/outreach/sequences/${sequenceId}/enrolments`))).json().items as { contactId: string; state: string; currentStep: number; nextSendAt: string | null; nextStepId: string | null; pausedUntil: string | null; stopReason: string | null }[];
const stateOf = async (o: Owner, sequenceId: string, contactId: string) => (await enrolments(o, sequenceId)).find((e) => e.contactId === contactId);
const mails = (email: string) => server.smtp.mailsTo(email);
const waitFor = <T>(fn: () => Promise<T> | T) => vi.waitFor(fn, { timeout: 20_000, interval: 100 });

/** Runs the due sender at a clock instant, and waits until each lead has `counts` mails (the minute's job may have sent some itself). */
async function runAt(at: Date, expected: [string, number][]) {
  await sendDueSteps(server.services, at);
  await waitFor(() => {
    for (const [email, count] of expected) expect(mails(email)).toHaveLength(count);
  });
}

describe('sequences', () => {
  it('MAIL-2 enrol 3 leads from a saved view; one replies and is taken out at once; only the other 2 get step 2, in their weekday 09–17 window', async () => {
    const o = await workspace('Mill Flour');
    const { sequenceId, viewId } = await sequenceAndView(o);
    const leads = [await lead(o), await lead(o), await lead(o)];
    await lead(o, false);

    const enrol = await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId });
    expect(enrol.statusCode, enrol.body).toBe(201);
    expect(enrol.json()).toEqual({ enrolled: 3, alreadyEnrolled: 0, skipped: [{ reason: 'no_consent', count: 1 }] });
    expect((await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId })).json()).toMatchObject({ enrolled: 0, alreadyEnrolled: 3 });
    for (const e of await enrolments(o, sequenceId)) {
      const local = DateTime.fromISO(e.nextSendAt!).setZone('America/New_York');
      expect(local.weekday).toBeLessThanOrEqual(5);
      expect(local.hour).toBeGreaterThanOrEqual(9);
      expect(local.hour).toBeLessThan(17);
    }

    // Step 1 to all three (the clock a week ahead: every first step is due).
    const t1 = new Date(Date.now() + 7 * DAY);
    await runAt(t1, leads.map((l) => [l.email, 1]));
    expect(mails(leads[0]!.email)[0]!.subject).toBe('Hello from Mill Flour');
    await waitFor(async () => expect((await enrolments(o, sequenceId)).every((e) => e.currentStep === 1)).toBe(true));

    // The first lead answers from their mail client, into the workspace's inbound address.
    const inbound = (await o.client.get(api(o, '/channel-settings'))).json().email.inboundAddress as string;
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: receiver.port, secure: false, ignoreTLS: true });
    await client.sendMail({ from: leads[0]!.email, to: inbound, subject: 'Re: Hello from Mill Flour', text: 'Yes please, call me on Monday.' });
    await waitFor(async () => expect(await stateOf(o, sequenceId, leads[0]!.id)).toMatchObject({ state: 'replied', nextSendAt: null }));

    // Ten days on: step 2 to the two who did not reply, nothing to the one who did.
    await runAt(new Date(t1.getTime() + 10 * DAY), [[leads[1]!.email, 2], [leads[2]!.email, 2]]);
    await waitFor(async () => {
      const states = Object.fromEntries((await enrolments(o, sequenceId)).map((e) => [e.contactId, e.state]));
      expect(states).toEqual({ [leads[0]!.id]: 'replied', [leads[1]!.id]: 'finished', [leads[2]!.id]: 'finished' });
    });
    expect(mails(leads[0]!.email)).toHaveLength(1);
    // MAIL-2: the follow-up answers the first mail: "Re:" its subject, In-Reply-To and References its Message-ID.
    const [first, second] = mails(leads[1]!.email) as ReceivedMail[];
    expect(second!.subject).toBe('Re: Hello from Mill Flour');
    const firstId = first!.headers.get('message-id') as string;
    expect(firstId).toMatch(/^<[0-9a-f-]{36}@/);
    expect(second!.headers.get('in-reply-to')).toBe(firstId);
    expect(second!.headers.get('references')).toBe(firstId);
    const seq = (await o.client.get(api(o, `/outreach/sequences/${sequenceId}`))).json();
    expect(seq.counts).toMatchObject({ active: 0, replied: 1, finished: 2 });
  });

  it('MAIL-4 a lead who unsubscribes by one-click gets no further step and shows as unsubscribed; a lead stopped by hand gets none either', async () => {
    const o = await workspace('Oat Works');
    const { sequenceId, viewId } = await sequenceAndView(o);
    const leads = [await lead(o), await lead(o), await lead(o)];
    expect((await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId })).json()).toMatchObject({ enrolled: 3 });

    const t1 = new Date(Date.now() + 7 * DAY);
    await runAt(t1, leads.map((l) => [l.email, 1]));
    await waitFor(async () => expect((await enrolments(o, sequenceId)).every((e) => e.currentStep === 1)).toBe(true));

    // A mail client's one-click POST (RFC 8058), no sign-in.
    const token = /\/unsubscribe\/([\w.-]+)/.exec((mails(leads[0]!.email)[0] as ReceivedMail).text)![1]!;
    const res = await new TestClient(server.app).request('POST', `/api/public/outreach/unsubscribe/${token}`, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await stateOf(o, sequenceId, leads[0]!.id)).toMatchObject({ state: 'unsubscribed', stopReason: 'unsubscribed', nextSendAt: null });

    const stopped = await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments/${leads[1]!.id}/stop`));
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(stopped.json()).toMatchObject({ state: 'stopped', stopReason: 'stopped_by_user' });
    const again = await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments/${leads[1]!.id}/stop`));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('enrolment_state');

    await runAt(new Date(t1.getTime() + 10 * DAY), [[leads[2]!.email, 2]]);
    await waitFor(async () => expect(await stateOf(o, sequenceId, leads[2]!.id)).toMatchObject({ state: 'finished' }));
    expect(mails(leads[0]!.email)).toHaveLength(1);
    expect(mails(leads[1]!.email)).toHaveLength(1);
  });

  it('MAIL-2 MAIL-3 PRIV-5 a lead whose first mail hard-bounces (a DSN on the inbound route) is taken out as bounced; a lead restricted after enrolment gets no further step', async () => {
    const o = await workspace('Spelt Barn');
    const { sequenceId, viewId } = await sequenceAndView(o);
    const leads = [await lead(o), await lead(o), await lead(o)];
    expect((await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId })).json()).toMatchObject({ enrolled: 3 });
    const t1 = new Date(Date.now() + 7 * DAY);
    await runAt(t1, leads.map((l) => [l.email, 1]));
    await waitFor(async () => expect((await enrolments(o, sequenceId)).every((e) => e.currentStep === 1)).toBe(true));

    // The first lead's mailbox does not exist: their provider answers with a delivery status notification.
    const inbound = (await o.client.get(api(o, '/channel-settings'))).json().email.inboundAddress as string;
    const kestrelId = (mails(leads[0]!.email)[0] as ReceivedMail).headers.get('x-kestrel-message') as string;
    expect(kestrelId).toBeTruthy();
    const dsn = bounceReport({ to: inbound, recipient: leads[0]!.email, kestrelId, status: '5.1.1', reportingHost: 'mx.prospect.test', boundary: 'dsn-boundary' });
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: receiver.port, secure: false, ignoreTLS: true });
    await mx.sendMail({ envelope: { from: '', to: inbound }, raw: dsn });
    await waitFor(async () => expect(await stateOf(o, sequenceId, leads[0]!.id)).toMatchObject({ state: 'bounced', stopReason: 'bounced', nextSendAt: null }));

    // The second lead asks that their record be restricted (PRIV-5) while enrolled.
    const contact = (await o.client.get(api(o, `/contacts/${leads[1]!.id}`))).json();
    const restricted = await o.client.patch(api(o, `/contacts/${leads[1]!.id}`), { restricted: true, version: contact.version });
    expect(restricted.statusCode, restricted.body).toBe(200);

    // Ten days on: step 2 reaches only the third lead.
    await runAt(new Date(t1.getTime() + 10 * DAY), [[leads[2]!.email, 2]]);
    await waitFor(async () => {
      const states = Object.fromEntries((await enrolments(o, sequenceId)).map((e) => [e.contactId, [e.state, e.stopReason]]));
      expect(states).toEqual({ [leads[0]!.id]: ['bounced', 'bounced'], [leads[1]!.id]: ['stopped', 'restricted'], [leads[2]!.id]: ['finished', null] });
    });
    expect(mails(leads[0]!.email)).toHaveLength(1);
    expect(mails(leads[1]!.email)).toHaveLength(1);
  });

  it('MAIL-2 bad input: a sequence with an unknown template, no steps, or a delay over a year is a 400 naming the field; another workspace cannot see it', async () => {
    const o = await workspace('Rye House');
    const bad = await o.client.post(api(o, '/outreach/sequences'), { name: 'X', steps: [{ templateId: '01890000-0000-7000-8000-000000000000', delayDays: 0 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('template_not_found');
    expect((await o.client.post(api(o, '/outreach/sequences'), { name: 'X', steps: [] })).statusCode).toBe(400);
    const { sequenceId } = await sequenceAndView(o);
    const t = (await o.client.get(api(o, `/outreach/sequences/${sequenceId}`))).json().steps[0].templateId;
    expect((await o.client.post(api(o, '/outreach/sequences'), { name: 'X', steps: [{ templateId: t, delayDays: 366 }] })).statusCode).toBe(400);
    const other = await workspace('Other Mill');
    expect((await other.client.get(`/api/workspaces/${other.workspaceId}/outreach/sequences/${sequenceId}`)).statusCode).toBe(404);
  });
  it('MAIL-2 an out-of-office reply pauses the lead (never stops them) until after their return; a step with its own subject is not a reply', async () => {
    const o = await workspace('Spelt & Co');
    const t1 = await o.client.post(api(o, '/outreach/templates'), { name: 'Intro', subject: 'Spelt for {{contact.firstName | "you"}}', html: '<p>Hello</p>' });
    const t2 = await o.client.post(api(o, '/outreach/templates'), { name: 'Nudge', subject: 'ignored', html: '<p>Any thoughts?</p>' });
    const seq = await o.client.post(api(o, '/outreach/sequences'), { name: 'Spelt', steps: [{ templateId: t1.json().id, delayDays: 0 }, { templateId: t2.json().id, delayDays: 2, subject: 'Samples are ready' }] });
    expect(seq.statusCode, seq.body).toBe(201);
    const sequenceId = seq.json().id as string;
    expect(seq.json().steps.map((s: { subject: string }) => s.subject)).toEqual(['Spelt for {{contact.firstName | "you"}}', 'Samples are ready']);
    const view = await o.client.post(api(o, '/views'), { name: 'Leads', shared: true, definition: { object: 'contacts', columns: ['name'], filter: { match: 'all', conditions: [{ field: 'lifecycle', op: 'eq', value: 'lead' }] } } });
    const l = await lead(o);
    expect((await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId: view.json().id })).json()).toMatchObject({ enrolled: 1 });
    const t0 = new Date(Date.now() + 7 * DAY);
    await runAt(t0, [[l.email, 1]]);
    await waitFor(async () => expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ currentStep: 1 }));

    const inbound = (await o.client.get(api(o, '/channel-settings'))).json().email.inboundAddress as string;
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: receiver.port, secure: false, ignoreTLS: true });
    await client.sendMail({ from: l.email, to: inbound, subject: 'Automatic reply: Spelt for Lead', text: 'I am out of the office until further notice.', headers: { 'Auto-Submitted': 'auto-replied' } });
    await waitFor(async () => expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ state: 'paused' }));
    const paused = (await stateOf(o, sequenceId, l.id))!;
    expect(new Date(paused.pausedUntil!).getTime()).toBeGreaterThanOrEqual(Date.now() + AUTO_REPLY_PAUSE_DAYS * DAY - 60_000);

    // Before the return date nothing is sent, however late the clock (the pause holds the step).
    await sendDueSteps(server.services, new Date(Date.now() + 3 * DAY));
    expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ state: 'paused' });
    expect(mails(l.email)).toHaveLength(1);

    // After it: resumed, step 2 under its own subject (still threaded), and the enrolment finishes.
    // Step 2 is due at the later of the return and its own time (two days after step 1, moved to a weekday
    // 09:00–17:00 in New York: a Friday evening's becomes Monday's), so the clock is read from the row.
    expect(new Date(paused.nextSendAt!).getTime()).toBeGreaterThanOrEqual(new Date(paused.pausedUntil!).getTime());
    await runAt(new Date(new Date(paused.nextSendAt!).getTime() + 60_000), [[l.email, 2]]);
    const second = mails(l.email)[1] as ReceivedMail;
    expect(second.subject).toBe('Samples are ready');
    expect(second.headers.get('in-reply-to')).toBe(mails(l.email)[0]!.headers.get('message-id'));
    await waitFor(async () => expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ state: 'finished' }));
  });

  it('MAIL-2 an out-of-office reply naming its return date pauses the lead until the first send window of that day in their own time zone', async () => {
    const o = await workspace('Kamut Kitchen');
    const { sequenceId, viewId } = await sequenceAndView(o);
    const l = await lead(o);
    expect((await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId })).json()).toMatchObject({ enrolled: 1 });
    await runAt(new Date(Date.now() + 7 * DAY), [[l.email, 1]]);
    await waitFor(async () => expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ currentStep: 1 }));

    const back = DateTime.now().setZone('America/New_York').plus({ days: 12 }).startOf('day');
    const inbound = (await o.client.get(api(o, '/channel-settings'))).json().email.inboundAddress as string;
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: receiver.port, secure: false, ignoreTLS: true });
    await client.sendMail({ from: l.email, to: inbound, subject: 'Out of office', text: `Thank you for your message. I am travelling and back on ${back.toFormat('d LLLL yyyy')}.\n\nKind regards`, headers: { 'Auto-Submitted': 'auto-replied' } });
    await waitFor(async () => expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ state: 'paused' }));
    const paused = (await stateOf(o, sequenceId, l.id))!;
    expect(paused.pausedUntil).toBe(nextSendTime(back.toJSDate(), ['America/New_York']).toISOString());
    const local = DateTime.fromISO(paused.pausedUntil!).setZone('America/New_York');
    expect([local.hour, local.minute, local.weekday <= 5]).toEqual([9, 0, true]);
    expect(local.toISODate()! >= back.toISODate()!).toBe(true);
  });

  it('MAIL-2 a lead who books a meeting is taken out of the sequence in the booking transaction', async () => {
    const o = await workspace('Barley Barn');
    const { sequenceId, viewId } = await sequenceAndView(o);
    const l = await lead(o);
    const other = await lead(o);
    expect((await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId })).json()).toMatchObject({ enrolled: 2 });
    const { stopSequencesForContact } = await import('../index');
    const { withTenant } = await import('../../../platform/db/tenant');
    const ended = await withTenant(server.services.database.db, { workspaceId: o.workspaceId, userId: null }, (tx) => stopSequencesForContact(tx, o.workspaceId, l.id));
    expect(ended).toBe(1);
    expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ state: 'stopped', stopReason: 'meeting_booked', nextSendAt: null });
    expect(await stateOf(o, sequenceId, other.id)).toMatchObject({ state: 'active' });
  });

  it('MAIL-2 a lead who books through the public booking page is taken out of their sequences by outreach listening to the booking event; the booking finds them by email whatever its case', async () => {
    const o = await workspace('Emmer Hall');
    const { sequenceId, viewId } = await sequenceAndView(o);
    const l = await lead(o);
    const other = await lead(o);
    expect((await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId })).json()).toMatchObject({ enrolled: 2 });
    const schedule = await o.client.post(api(o, '/booking/schedules'), { name: 'Hours', timeZone: 'America/New_York', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), overrides: [] });
    expect(schedule.statusCode, schedule.body).toBe(201);
    const type = await o.client.post(api(o, '/booking/event-types'), { slug: 'demo', title: 'Demo', durationMinutes: 30, hosts: [{ userId: schedule.json().userId, scheduleId: schedule.json().id }] });
    expect(type.statusCode, type.body).toBe(201);
    const booked = await new TestClient(server.app).post(`/api/public/booking/${o.workspaceId}/demo`, { start: nyWeekday(6), name: 'Lead Person', email: l.email.toUpperCase(), timeZone: 'America/New_York' });
    expect(booked.statusCode, booked.body).toBe(201);
    expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ state: 'stopped', stopReason: 'meeting_booked', nextSendAt: null });
    expect(await stateOf(o, sequenceId, other.id)).toMatchObject({ state: 'active' });
    // No second contact was made for the upper-cased address: the booking is on the lead's timeline.
    const found = (await o.client.get(api(o, `/contacts?q=${encodeURIComponent(l.email)}`))).json().items as { id: string }[];
    expect(found.map((c) => c.id)).toEqual([l.id]);
  });

  it('MAIL-2 editing a running sequence: enrolments keep their step by id, a removed step is skipped, a new step is sent, a draft enrols nobody', async () => {
    const o = await workspace('Millet Mill');
    const tpl = async (name: string) => (await o.client.post(api(o, '/outreach/templates'), { name, subject: `${name} subject`, html: `<p>${name} body</p>` })).json().id as string;
    const [a, b, c, d] = [await tpl('A'), await tpl('B'), await tpl('C'), await tpl('D')];
    const created = await o.client.post(api(o, '/outreach/sequences'), { name: 'Edited', status: 'draft', steps: [{ templateId: a, delayDays: 0 }, { templateId: b, delayDays: 2 }, { templateId: c, delayDays: 2 }] });
    expect(created.statusCode, created.body).toBe(201);
    const sequenceId = created.json().id as string;
    expect(created.json().status).toBe('draft');
    const view = await o.client.post(api(o, '/views'), { name: 'Leads', shared: true, definition: { object: 'contacts', columns: ['name'], filter: { match: 'all', conditions: [{ field: 'lifecycle', op: 'eq', value: 'lead' }] } } });
    const l = await lead(o);
    const draft = await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId: view.json().id });
    expect(draft.statusCode).toBe(409);
    expect(draft.json().error.code).toBe('sequence_draft');
    const activated = await o.client.patch(api(o, `/outreach/sequences/${sequenceId}`), { status: 'active' });
    expect(activated.statusCode, activated.body).toBe(200);
    expect((await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId: view.json().id })).json()).toMatchObject({ enrolled: 1 });
    const t0 = new Date(Date.now() + 7 * DAY);
    await runAt(t0, [[l.email, 1]]);
    const [stepA, stepB, stepC] = created.json().steps as { id: string }[];
    await waitFor(async () => expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ nextStepId: stepB!.id }));

    // B (the step the lead waits on) is removed; C moves first... no: order becomes A, C, D (new).
    const edited = await o.client.patch(api(o, `/outreach/sequences/${sequenceId}`), {
      steps: [
        { id: stepA!.id, templateId: a, delayDays: 0 },
        { id: stepC!.id, templateId: c, delayDays: 1 },
        { templateId: d, delayDays: 1, subject: 'Last one' },
      ],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().steps.map((s: { id: string }) => s.id).slice(0, 2)).toEqual([stepA!.id, stepC!.id]);
    expect(edited.json().steps[1].waiting).toBe(1);
    expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ state: 'active', nextStepId: stepC!.id });

    await runAt(new Date(t0.getTime() + 4 * DAY), [[l.email, 2]]);
    expect(mails(l.email)[1]!.html).toContain('C body');
    await runAt(new Date(t0.getTime() + 8 * DAY), [[l.email, 3]]);
    expect(mails(l.email)[2]!.subject).toBe('Last one');
    expect(mails(l.email).some((m) => m.html.includes('B body'))).toBe(false);
    await waitFor(async () => expect(await stateOf(o, sequenceId, l.id)).toMatchObject({ state: 'finished', currentStep: 3 }));

    // Bad edits are 400s naming the step.
    const unknown = await o.client.patch(api(o, `/outreach/sequences/${sequenceId}`), { steps: [{ id: stepB!.id, delayDays: 0 }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('step_not_found');
    const noTemplate = await o.client.patch(api(o, `/outreach/sequences/${sequenceId}`), { steps: [{ delayDays: 0 }] });
    expect(noTemplate.statusCode).toBe(400);
    expect(noTemplate.json().error.code).toBe('template_required');
  });

  it('MAIL-2 the sending account\'s daily cap applies to sequence mail too: a step over the cap waits for the next window, never dropped', async () => {
    const o = await workspace('Quinoa Quay');
    const account = await o.client.post(api(o, '/outreach/sending-accounts'), { kind: 'smtp', stream: 'marketing', fromName: 'Quinoa', fromAddress: 'hello@quinoa.test', smtpHost: '127.0.0.1', smtpPort: server.smtp.port, smtpSecure: false, perMinute: 60, dailyCap: 2 });
    expect(account.statusCode, account.body).toBe(201);
    const { sequenceId, viewId } = await sequenceAndView(o);
    const leads = [await lead(o), await lead(o), await lead(o)];
    expect((await o.client.post(api(o, `/outreach/sequences/${sequenceId}/enrolments`), { viewId })).json()).toMatchObject({ enrolled: 3 });
    await sendDueSteps(server.services, new Date(Date.now() + 7 * DAY));
    await waitFor(() => expect(leads.map((l) => mails(l.email).length).sort()).toEqual([0, 1, 1]));
    const held = (await enrolments(o, sequenceId)).find((e) => e.currentStep === 0)!;
    expect(held).toMatchObject({ state: 'active' });
    // Due again once the first mail of the day leaves the 24-hour window, not before.
    expect(new Date(held.nextSendAt!).getTime()).toBeGreaterThan(Date.now() + DAY - 120_000);
  });
});
