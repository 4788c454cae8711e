import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFake } from '../../../../test/fakes/harness';
import { FakeMeta } from '../../../../test/fakes/meta';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { until } from '../../../../test/helpers/wait';
import { sendWhatsapp, UNKNOWN_OUTCOME } from './channels/whatsapp';

let server: TestServer;
let wa: FakeMeta;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let hook: string;
const VERIFY = 'verify-me-0123456789';
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
const inbox = async () => (await owner.client.get(api('/conversations?channel=whatsapp'))).json().items as { id: string; visitorName: string | null; unread: number; status: string }[];
const detail = async (id: string) => (await owner.client.get(api(`/conversations/${id}`))).json();
const convOf = async (name: string) => (await inbox()).find((c) => c.visitorName === name)!;
/** WhatsApp's id for a reply, once the send job has had it accepted. */
const accepted = (messageId: string) =>
  until(async () => (await server.services.database.system.execute(sql`SELECT external_id FROM conversation_messages WHERE id = ${messageId}`)).rows[0]?.external_id as string | null, 'WhatsApp to accept the reply');
const messageOf = async (convId: string, messageId: string) => (await detail(convId)).messages.find((x: { id: string }) => x.id === messageId);
const messageCount = async () => Number((await server.services.database.system.execute(sql`SELECT count(*) AS n FROM conversation_messages`)).rows[0]!.n);

beforeAll(async () => {
  wa = await startFake(new FakeMeta());
  server = await startTestServer({ WHATSAPP_GRAPH_URL: wa.url, WHATSAPP_GRAPH_VERSION: 'v21.0' });
  owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  const put = await owner.client.patch(api('/channel-settings'), { whatsapp: { phoneNumberId: wa.phoneNumberId, businessAccountId: wa.wabaId, accessToken: wa.token, appSecret: wa.appSecret, verifyToken: VERIFY } });
  expect(put.statusCode, put.body).toBe(200);
  expect(put.json().whatsapp).toMatchObject({ connected: true, hasAccessToken: true, hasAppSecret: true });
  expect(put.body).not.toContain(wa.token);
  expect(put.body).not.toContain(wa.appSecret);
  hook = `${server.url}${new URL(put.json().whatsapp.webhookUrl).pathname}`;
}, 300_000);

describe('WhatsApp channel', () => {
  it('CONV-6 "test connection" reads the number from the Graph API and syncs only approved templates; a wrong token is explained', async () => {
    const ok = await owner.client.post(api('/channel-settings/whatsapp/check'));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().displayPhone).toBe(wa.displayPhone);
    expect(ok.json().templates.map((t: { name: string }) => t.name)).toEqual(['order_update', 'follow_up']);
    expect(ok.json().templates[0]).toMatchObject({ paramCount: 2, body: 'Hi {{1}}, your order {{2}} is ready for pickup.' });
    expect(wa.calls(`/v21.0/${wa.wabaId}/message_templates`, 'GET')[0]!.headers.authorization).toBe(`Bearer ${wa.token}`);

    const other = await ownerWithWorkspace(server, 'Wrong Token Co');
    await other.client.patch(`/api/workspaces/${other.workspaceId}/channel-settings`, { whatsapp: { phoneNumberId: wa.phoneNumberId, accessToken: 'EAAGexpired-token-000', appSecret: 'secret-000000' } });
    const bad = await other.client.post(`/api/workspaces/${other.workspaceId}/channel-settings/whatsapp/check`);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toBe('The WhatsApp access token is invalid or has expired. Paste a new one in Settings → Channels.');
  });

  it("CONV-6 the webhook answers Meta's GET challenge only with the workspace's verify token", async () => {
    const good = await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('1158201444');
    expect((await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=wrong-token-123&hub.challenge=1`)).status).toBe(403);
    expect((await fetch(`${hook}?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`)).status).toBe(403);
  });

  it('CONV-6 a signed message opens a conversation; a missing or forged X-Hub-Signature-256 is refused with 401 and nothing stored, a signed body that is not JSON is a 400; a redelivery is stored once', async () => {
    const before = await messageCount();
    const value = { contacts: [{ profile: { name: 'Forged' }, wa_id: '15550001111' }], messages: [{ from: '15550001111', id: 'wamid.forged1', timestamp: '1700000000', type: 'text', text: { body: 'forged' } }] };
    expect((await wa.notify(hook, value, {})).status).toBe(401);
    expect((await wa.notify(hook, value, { 'x-hub-signature-256': wa.sign('{"other":"body"}') })).status).toBe(401);
    expect((await wa.notify(hook, value, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` })).status).toBe(401);
    const notJson = await wa.deliver(hook, 'not json', { 'x-hub-signature-256': wa.sign('not json') });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.text).error.code).toBe('invalid_json');
    expect(await messageCount()).toBe(before);

    const first = await wa.inbound(hook, { from: '15551234567', name: 'Priya Shah', text: 'Is the chocolate cake available today?' });
    expect(first.status, first.text).toBe(200);
    const again = await wa.deliver(hook, first.raw, { 'x-hub-signature-256': wa.sign(first.raw) });
    expect(again.status).toBe(200);
    const conv = await convOf('Priya Shah');
    const d = await detail(conv.id);
    expect(d.conversation.channel).toBe('whatsapp');
    expect(d.visitor.phone).toBe('+15551234567');
    expect(d.messages.map((m: { body: string }) => m.body)).toEqual(['Is the chocolate cake available today?']);
    expect(conv.unread).toBe(1);
    expect(Date.parse(d.whatsapp.windowClosesAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
  });

  it('INT-4 CONV-6 signed bodies of other shapes are answered without a 500 and store nothing; a good message beside a malformed one is kept', async () => {
    const before = await messageCount();
    const signed = (raw: string) => wa.deliver(hook, raw, { 'x-hub-signature-256': wa.sign(raw) });
    for (const raw of ['null', '[]', '"text"', '{"object":"whatsapp_business_account","entry":5}', '{"object":"whatsapp_business_account","entry":[null,{"changes":{"field":"messages"}}]}']) {
      const res = await signed(raw);
      expect(res.status, `${raw}: ${res.text}`).toBe(200);
    }
    const bad = [
      { from: '15550002222', id: 'wamid.bad1', timestamp: '1700000000', type: 'text', text: { body: 42 } },
      { from: '15550002222', id: 'wamid.bad2', timestamp: '99999999999999999999', type: 'text', text: { body: 'far future' } },
      { from: 15550002222, id: 'wamid.bad3', type: 'text', text: { body: 'number sender' } },
      { from: '15550002222', id: { nested: true }, type: 'text', text: { body: 'object id' } },
    ];
    const good = { from: '15550002222', id: 'wamid.good-beside-bad', timestamp: '1700000000', type: 'text', text: { body: 'Do you deliver on Sundays?' } };
    const res = await wa.notify(hook, { contacts: 'nobody', messages: [...bad, good], statuses: [{ id: 7, status: 'exploded' }, null] });
    expect(res.status, res.text).toBe(200);
    expect(await messageCount()).toBe(before + 1);
    const stored = await server.services.database.system.execute(sql`SELECT body FROM conversation_messages WHERE external_id LIKE 'wamid.%' AND external_id IN ('wamid.bad1', 'wamid.bad2', 'wamid.bad3', 'wamid.good-beside-bad')`);
    expect(stored.rows).toEqual([{ body: 'Do you deliver on Sundays?' }]);
  });

  it('CONV-6 inside the 24-hour window a reply goes to the Cloud API and its statuses move it to delivered and read; a failed status shows why', async () => {
    const conv = await convOf('Priya Shah');
    const res = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Yes! We have two left.' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().deliveryStatus).toBe('queued');
    const wamid = await accepted(res.json().id);
    const sent = wa.sent.find((x) => x.id === wamid)!;
    expect(sent).toMatchObject({ to: '15551234567', type: 'text', body: { messaging_product: 'whatsapp', text: { body: 'Yes! We have two left.' } } });
    expect(wa.calls(`/v21.0/${wa.phoneNumberId}/messages`, 'POST').at(-1)!.headers.authorization).toBe(`Bearer ${wa.token}`);

    for (const s of ['sent', 'read', 'delivered'] as const) expect((await wa.status(hook, sent.id, s, '15551234567')).status).toBe(200);
    let m = (await detail(conv.id)).messages.find((x: { id: string }) => x.id === res.json().id);
    expect(m.deliveryStatus).toBe('read'); // a late "delivered" does not move it back

    const second = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'See you soon.' });
    await wa.status(hook, await accepted(second.json().id), 'failed', '15551234567', { code: 131026, title: 'Message undeliverable' });
    m = (await detail(conv.id)).messages.find((x: { id: string }) => x.id === second.json().id);
    expect(m.deliveryStatus).toBe('failed');
    expect(m.meta.error).toContain('could not deliver');
  });

  it('CONV-6 after the window closes free text is refused with a clear 409 and nothing is sent; an approved template with its parameters goes out; unapproved templates and wrong parameters are refused', async () => {
    await wa.inbound(hook, { from: '15559876543', name: 'Tom Lee', text: 'Can I order for Saturday?', at: new Date(Date.now() - 25 * 3600_000) });
    const conv = await convOf('Tom Lee');
    const d = await detail(conv.id);
    expect(Date.parse(d.whatsapp.windowClosesAt)).toBeLessThan(Date.now());
    expect(d.whatsapp.templates.map((t: { name: string }) => t.name).sort()).toEqual(['follow_up', 'order_update']);

    const sentBefore = wa.sent.length;
    const refused = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Sure, what would you like?' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('whatsapp_window_closed');
    expect(refused.json().error.message).toMatch(/24-hour window .* closed at .* Send one of the approved templates instead\./);
    expect(wa.sent.length).toBe(sentBefore);
    expect((await detail(conv.id)).messages.some((m: { body: string }) => m.body === 'Sure, what would you like?')).toBe(false);

    const pending = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: '', template: { name: 'spring_sale', language: 'en_US', params: ['Monday'] } });
    expect(pending.statusCode).toBe(409);
    expect(pending.json().error.code).toBe('template_not_approved');
    const short = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: '', template: { name: 'order_update', language: 'en_US', params: ['Tom'] } });
    expect(short.statusCode).toBe(409);
    expect(short.json().error.message).toBe('The template "order_update" needs 2 parameters; 1 given.');

    const ok = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: '', template: { name: 'order_update', language: 'en_US', params: ['Tom', '#1042'] } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ body: 'Hi Tom, your order #1042 is ready for pickup.', deliveryStatus: 'queued', meta: { template: { name: 'order_update', params: ['Tom', '#1042'] } } });
    const wamid = await accepted(ok.json().id);
    expect(wa.sent.find((x) => x.id === wamid)!.body.template).toEqual({ name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Tom' }, { type: 'text', text: '#1042' }] }] });
  });

  it('CONV-6 a refusal by WhatsApp itself is never shown as sent: the send job marks the message failed with the reason in words and does not retry it by itself; Retry sends it once', async () => {
    const conv = await convOf('Priya Shah');
    const calls = wa.calls(`/v21.0/${wa.phoneNumberId}/messages`, 'POST').length;
    wa.answerNext({ status: 400, body: { error: { message: '(#131030) Recipient phone number not in allowed list', type: 'OAuthException', code: 131030, error_subcode: 2655007, fbtrace_id: 'AbCdEf' } } });
    const res = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Are you still there?' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().deliveryStatus).toBe('queued');
    const m = await until(async () => {
      const x = await messageOf(conv.id, res.json().id);
      return x.deliveryStatus === 'failed' && x;
    }, 'the refused reply to be marked failed');
    expect(m.meta.error).toBe("This number is not in the test account's allowed recipient list.");
    expect(wa.calls(`/v21.0/${wa.phoneNumberId}/messages`, 'POST').length).toBe(calls + 1);

    // Once the number is allowed, Retry sends the same message again, and it goes out once.
    const retried = await owner.client.post(api(`/conversations/${conv.id}/messages/${res.json().id}/retry`));
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ deliveryStatus: 'queued', meta: {} });
    const wamid = await accepted(res.json().id);
    expect(wa.sent.filter((x) => x.body.text?.body === 'Are you still there?').map((x) => x.id)).toEqual([wamid]);
    expect((await owner.client.post(api(`/conversations/${conv.id}/messages/${res.json().id}/retry`))).json().error.code).toBe('not_failed');
    // A message WhatsApp accepted and then failed has spent its id: it is written anew, not retried.
    const failedLater = (await detail(conv.id)).messages.find((x: { body: string }) => x.body === 'See you soon.');
    const refusedRetry = await owner.client.post(api(`/conversations/${conv.id}/messages/${failedLater.id}/retry`));
    expect(refusedRetry.statusCode).toBe(409);
    expect(refusedRetry.json().error.code).toBe('cannot_retry');
  });

  it("CONV-6 when WhatsApp is unavailable the send job tries again with back-off and the reply goes out once", async () => {
    const conv = await convOf('Priya Shah');
    const calls = () => wa.calls(`/v21.0/${wa.phoneNumberId}/messages`, 'POST').length;
    const before = calls();
    wa.answerNext({ status: 503, body: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2, fbtrace_id: 'Zz' } } });
    const res = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Still here, sorry for the wait.' });
    expect(res.statusCode, res.body).toBe(201);
    const wamid = await accepted(res.json().id);
    expect(calls()).toBe(before + 2);
    expect(wa.sent.filter((x) => x.body.text?.body === 'Still here, sorry for the wait.').map((x) => x.id)).toEqual([wamid]);
    expect(await messageOf(conv.id, res.json().id)).toMatchObject({ deliveryStatus: 'queued', meta: {} });
  });

  it('CONV-4 a snoozed conversation wakes up at its time: open again, unread, with a note saying why', async () => {
    const conv = await convOf('Priya Shah');
    await detail(conv.id); // read: nothing unread
    const patch = (body: unknown) => owner.client.patch(api(`/conversations/${conv.id}`), body);
    expect((await patch({ status: 'snoozed' })).statusCode).toBe(400);
    expect((await patch({ status: 'snoozed', snoozedUntil: new Date(Date.now() - 60_000).toISOString() })).json().error.details.fields.snoozedUntil).toBeTruthy();
    expect((await patch({ status: 'open', snoozedUntil: new Date(Date.now() + 60_000).toISOString() })).statusCode).toBe(400);
    // Snoozed for an hour, then again for two seconds: only the later choice counts, and it wakes once.
    expect((await patch({ status: 'snoozed', snoozedUntil: new Date(Date.now() + 3600_000).toISOString() })).statusCode).toBe(200);
    const snoozed = await patch({ status: 'snoozed', snoozedUntil: new Date(Date.now() + 2000).toISOString() });
    expect(snoozed.statusCode, snoozed.body).toBe(200);
    expect(snoozed.json().conversation.status).toBe('snoozed');
    expect((await convOf('Priya Shah')).unread).toBe(0);
    const woke = await until(async () => {
      const c = await convOf('Priya Shah');
      return c.status === 'open' && c;
    }, 'the snoozed conversation to wake up');
    expect(woke.unread).toBe(1);
    const notes = (await detail(conv.id)).messages.filter((m: { body: string }) => m.body === 'The snooze ended: this conversation is back.');
    expect(notes).toMatchObject([{ author: 'note' }]);
  });

  it('CONV-6 a photo is stored as its media id, mime type and caption, and fetched from the Graph API only when a person opens it', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const before = wa.calls('/media-download/').length;
    await wa.inbound(hook, { from: '15551234567', name: 'Priya Shah', image: { data: png, mimeType: 'image/png', caption: 'This one please' } });
    const conv = await convOf('Priya Shah');
    const m = (await detail(conv.id)).messages.at(-1);
    expect(m).toMatchObject({ author: 'visitor', body: 'This one please', meta: { media: { mimeType: 'image/png', caption: 'This one please', kind: 'image' } } });
    expect(wa.calls('/media-download/').length).toBe(before);
    const file = await owner.client.get(api(`/conversations/${conv.id}/messages/${m.id}/media`));
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.rawPayload.equals(png)).toBe(true);
    expect((await new TestClient(server.app).get(api(`/conversations/${conv.id}/messages/${m.id}/media`))).statusCode).toBe(401);
  });

  it('CONV-6 a worker killed after WhatsApp accepted a reply but before saving its id does not send it twice: the retry waits, and the status webhook carrying the callback key ties WhatsApp\'s id to the message', async () => {
    const conv = await convOf('Priya Shah');
    const system = server.services.database.system;
    // The "kill": the first save of WhatsApp's id for these bodies fails, after the send went out
    // (a sequence counts the tries, as it survives the rolled-back save).
    await system.execute(sql`CREATE SEQUENCE IF NOT EXISTS test_wamid_save_failures`);
    await system.execute(sql.raw(`CREATE OR REPLACE FUNCTION test_fail_wamid_save() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
      BEGIN
        IF OLD.external_id IS NULL AND NEW.external_id IS NOT NULL AND NEW.body IN ('Only once, please.', 'Lost in the post.') THEN
          IF nextval('test_wamid_save_failures') % 2 = 1 THEN
            RAISE EXCEPTION 'worker killed between the send and the save';
          END IF;
        END IF;
        RETURN NEW;
      END $$`));
    await system.execute(sql`CREATE OR REPLACE TRIGGER test_fail_wamid_save BEFORE UPDATE ON conversation_messages FOR EACH ROW EXECUTE FUNCTION test_fail_wamid_save()`);
    const sentWith = (body: string) => wa.sent.filter((x) => x.body.text?.body === body);
    const jobOf = (messageId: string) =>
      system.execute<{ attempts: number; last_error: string | null }>(sql`SELECT j.attempts, j.last_error FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'conversations.whatsapp-send' AND j.payload->'data'->>'messageId' = ${messageId}`);
    try {
      const res = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Only once, please.' });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id as string;
      // The retry ran and, finding the earlier attempt on record, sent nothing: it waits for WhatsApp's word.
      const job = await until(async () => {
        const j = (await jobOf(id)).rows[0];
        return j && j.attempts >= 2 && j.last_error?.includes('waiting for its status') && j;
      }, 'the send job to retry after the lost save');
      expect(job.attempts).toBeGreaterThanOrEqual(2);
      expect(sentWith('Only once, please.')).toHaveLength(1);
      const only = sentWith('Only once, please.')[0]!;
      expect(only.body.biz_opaque_callback_data).toBe(`kestrel:${id}`);
      expect(await messageOf(conv.id, id)).toMatchObject({ deliveryStatus: 'queued', meta: { sendAttempt: {} } });

      // WhatsApp's status names the message by the key sent with it: it takes WhatsApp's id and moves on.
      expect((await wa.status(hook, only.id, 'sent', only.to)).status).toBe(200);
      expect(await accepted(id)).toBe(only.id);
      const m = await messageOf(conv.id, id);
      expect(m.deliveryStatus).toBe('sent');
      expect(m.meta.sendAttempt).toBeUndefined();
      // The next run of the job finds it accepted: still one message at WhatsApp.
      await sendWhatsapp(server.services, owner.workspaceId, id, { number: 3, max: 8 });
      expect(sentWith('Only once, please.')).toHaveLength(1);

      // No status ever comes: on its last try the job does not guess — failed, in words, still sent once;
      // Retry is then a person's decision and sends it again.
      const lost = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Lost in the post.' });
      const lostId = lost.json().id as string;
      await until(async () => (await jobOf(lostId)).rows[0]?.last_error, 'the second send to lose its answer');
      expect(sentWith('Lost in the post.')).toHaveLength(1);
      await sendWhatsapp(server.services, owner.workspaceId, lostId, { number: 8, max: 8 });
      const failed = await messageOf(conv.id, lostId);
      expect(failed).toMatchObject({ deliveryStatus: 'failed', meta: { error: UNKNOWN_OUTCOME } });
      expect(sentWith('Lost in the post.')).toHaveLength(1);
      const retried = await owner.client.post(api(`/conversations/${conv.id}/messages/${lostId}/retry`));
      expect(retried.statusCode, retried.body).toBe(200);
      await accepted(lostId);
      expect(sentWith('Lost in the post.')).toHaveLength(2);
    } finally {
      await system.execute(sql`DROP TRIGGER IF EXISTS test_fail_wamid_save ON conversation_messages`);
    }
  });

  it("CONV-6 Disconnect deletes WhatsApp's ids and sealed secrets (not flagged) and its templates; the webhook then refuses that number's messages, replies are refused in words, and the conversations stay", async () => {
    const shop = await ownerWithWorkspace(server, 'Closing Time Bakery');
    const at = (path: string) => `/api/workspaces/${shop.workspaceId}${path}`;
    const put = await shop.client.patch(at('/channel-settings'), { whatsapp: { phoneNumberId: wa.phoneNumberId, businessAccountId: wa.wabaId, accessToken: wa.token, appSecret: wa.appSecret, verifyToken: VERIFY } });
    expect(put.json().whatsapp.connected).toBe(true);
    expect((await shop.client.post(at('/channel-settings/whatsapp/check'))).statusCode).toBe(200);
    const shopHook = `${server.url}${new URL(put.json().whatsapp.webhookUrl).pathname}`;
    expect((await wa.inbound(shopHook, { from: '15559870000', name: 'Last Customer', text: 'Are you open on Sunday?' })).status).toBe(200);
    const conv = ((await shop.client.get(at('/conversations?channel=whatsapp'))).json().items as { id: string }[])[0]!;
    const { system } = server.services.database;
    const templates = async () => Number((await system.execute(sql`SELECT count(*) AS n FROM whatsapp_templates WHERE workspace_id = ${shop.workspaceId}`)).rows[0]!.n);
    expect(await templates()).toBeGreaterThan(0);

    const off = await shop.client.delete(at('/channel-settings/whatsapp'));
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().whatsapp).toMatchObject({ connected: false, phoneNumberId: null, businessAccountId: null, hasAccessToken: false, hasAppSecret: false, verifyToken: null });
    const [row] = (await system.execute(sql`SELECT wa_phone_number_id, wa_access_token_sealed, wa_app_secret_sealed, wa_verify_token FROM channel_settings WHERE workspace_id = ${shop.workspaceId}`)).rows;
    expect(row).toEqual({ wa_phone_number_id: null, wa_access_token_sealed: null, wa_app_secret_sealed: null, wa_verify_token: null });
    expect(await templates()).toBe(0);

    const before = await messageCount();
    expect((await wa.inbound(shopHook, { from: '15559870000', name: 'Last Customer', text: 'Hello?' })).status).toBe(401);
    expect(await messageCount()).toBe(before);
    expect((await fetch(`${shopHook}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=42`)).status).toBe(403);
    const reply = await shop.client.post(at(`/conversations/${conv.id}/messages`), { body: 'Yes, 8 to 12.' });
    expect(reply.statusCode).toBe(409);
    expect(reply.json().error).toMatchObject({ code: 'whatsapp_not_connected', message: 'WhatsApp is not connected. Connect it in Settings → Channels.' });
    expect((await shop.client.get(at(`/conversations/${conv.id}`))).json().messages.map((m: { body: string }) => m.body)).toEqual(['Are you open on Sunday?']);
    const audit = (await shop.client.get(at('/audit?action=channels.disconnected'))).json().entries;
    expect(audit[0]).toMatchObject({ action: 'channels.disconnected', details: { channel: 'whatsapp' } });
    // The workspace's other callers: the untouched workspace keeps its connection.
    expect((await owner.client.get(api('/channel-settings'))).json().whatsapp.connected).toBe(true);
    expect((await shop.client.delete(at('/channel-settings/telegram'))).statusCode).toBe(400);
  });
});
