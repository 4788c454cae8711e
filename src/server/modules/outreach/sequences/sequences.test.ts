import nodemailer from 'nodemailer';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ownerWithWorkspace, TestClient } from '../../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server';
import type { ReceivedMail } from '../../../../../test/helpers/smtp-sink';
import { startInboundSmtp, type InboundSmtp } from '../../conversations/inbound-smtp';
import { sendDueSteps } from './send-sequence';

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

const enrolments = async (o: Owner, sequenceId: string) => (await o.client.get(api(o, `/outreach/sequences/${sequenceId}/enrolments`))).json().items as { contactId: string; state: string; currentStep: number; nextSendAt: string | null; stopReason: string | null }[];
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
    expect(mails(leads[1]!.email)[1]!.subject).toBe('Following up');
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
});
