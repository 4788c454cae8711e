import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFake } from '../../../../test/fakes/harness';
import { FakeMeta, graphError, type FakeMessagingPage } from '../../../../test/fakes/meta';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { until } from '../../../../test/helpers/wait';

let server: TestServer;
let meta: FakeMeta;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const hooks: Record<'messenger' | 'instagram', string> = { messenger: '', instagram: '' };
const VERIFY = 'meta-verify-0123456789';
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
const db = () => server.services.database.system;
const detail = async (id: string) => (await owner.client.get(api(`/conversations/${id}`))).json();
/** The conversation a customer's id (PSID/IGSID) is on, found through the visitor that holds it. */
const convOf = (channel: string, userId: string) =>
  until(async () => (await db().execute(sql`SELECT c.id, c.contact_id FROM conversations c JOIN visitors v ON v.workspace_id = c.workspace_id AND v.id = c.visitor_id WHERE c.channel = ${channel} AND v.channel_user_id = ${userId}`)).rows[0] as { id: string; contact_id: string | null } | undefined, `a ${channel} conversation`);
const messageCount = async () => Number((await db().execute(sql`SELECT count(*) AS n FROM conversation_messages`)).rows[0]!.n);
/** Meta's id for a reply, once the send job has had it taken. */
const accepted = (messageId: string) =>
  until(async () => (await db().execute(sql`SELECT external_id FROM conversation_messages WHERE id = ${messageId}`)).rows[0]?.external_id as string | null, 'Meta to take the reply');
const messageOf = async (convId: string, messageId: string) => (await detail(convId)).messages.find((x: { id: string }) => x.id === messageId);
const connect = (page: FakeMessagingPage, extra: Record<string, unknown> = {}) =>
  owner.client.patch(api('/channel-settings'), { [page.channel]: { pageId: page.pageId, pageAccessToken: page.token, appSecret: meta.appSecret, verifyToken: VERIFY, ...(page.channel === 'instagram' ? { accountId: page.accountId } : {}), ...extra } });

beforeAll(async () => {
  meta = await startFake(new FakeMeta());
  server = await startTestServer({ WHATSAPP_GRAPH_URL: meta.url, WHATSAPP_GRAPH_VERSION: 'v21.0' });
  owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  for (const page of [meta.messenger, meta.instagram]) {
    const put = await connect(page);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()[page.channel]).toMatchObject({ connected: true, hasPageAccessToken: true, hasAppSecret: true, pageId: page.pageId, verifyToken: VERIFY, humanAgent: false });
    expect(put.body).not.toContain(page.token);
    expect(put.body).not.toContain(meta.appSecret);
    hooks[page.channel] = `${server.url}${new URL(put.json()[page.channel].webhookUrl).pathname}`;
  }
  // Sealed at rest, not stored as given.
  const row = (await db().execute(sql`SELECT messenger_token_sealed, instagram_app_secret_sealed FROM channel_settings WHERE workspace_id = ${owner.workspaceId}`)).rows[0]!;
  expect(JSON.stringify(row)).not.toContain(meta.messenger.token);
  expect(JSON.stringify(row)).not.toContain(meta.appSecret);
}, 300_000);

describe('Messenger and Instagram channels', () => {
  it('CONV-6 a Messenger message lands in the inbox and the reply goes out through the Send API', async () => {
    const page = meta.messenger;
    const hook = hooks.messenger;
    // Meta's subscription check, with this channel's verify token only.
    const good = await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=8301`);
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('8301');
    expect((await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=wrong-token-123&hub.challenge=1`)).status).toBe(403);

    const psid = '7012345678901234';
    const first = await meta.customerWrites(page, hook, { from: psid, text: 'Do you deliver on Sundays?' });
    expect(first.status, first.text).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ messages: 1, statuses: 0 });
    // The Page's own echo is not a customer's message.
    expect(JSON.parse((await meta.echo(page, hook, psid, 'Sent from the Page')).text)).toEqual({ messages: 0, statuses: 0 });
    const conv = await convOf('messenger', psid);
    const listed = (await owner.client.get(api('/conversations?channel=messenger'))).json().items;
    expect(listed.map((c: { id: string }) => c.id)).toEqual([conv.id]);
    expect(listed[0]).toMatchObject({ channel: 'messenger', unread: 1, status: 'open', holder: 'human' });
    const d = await detail(conv.id);
    expect(d.messages.map((m: { body: string }) => m.body)).toEqual(['Do you deliver on Sundays?']);
    expect(Date.parse(d.messaging.windowClosesAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(d.messaging.humanAgentClosesAt).toBeNull();
    // A contact made by the CRM for the sender, with no guessed name; the PSID is the visitor's identity.
    const contact = (await db().execute(sql`SELECT first_name, last_name, source FROM contacts WHERE id = ${conv.contact_id}`)).rows[0];
    expect(contact).toEqual({ first_name: null, last_name: null, source: 'messenger' });

    const res = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Yes, from 10 to 4.' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().deliveryStatus).toBe('queued');
    const mid = await accepted(res.json().id);
    expect(page.sent.find((s) => s.mid === mid)).toEqual({ mid, to: psid, text: 'Yes, from 10 to 4.', messagingType: 'RESPONSE' });
    const call = meta.calls(`/v21.0/${page.pageId}/messages`, 'POST').at(-1)!;
    expect(call.headers.authorization).toBe(`Bearer ${page.token}`);
    expect(call.body).toEqual({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Yes, from 10 to 4.' } });
    expect((await messageOf(conv.id, res.json().id)).deliveryStatus).toBe('sent');
    // Meta's delivery event moves it on.
    expect(JSON.parse((await meta.delivered(page, hook, psid, [mid])).text)).toEqual({ messages: 0, statuses: 1 });
    expect((await messageOf(conv.id, res.json().id)).deliveryStatus).toBe('delivered');

    // The same customer again: the same conversation and contact.
    await meta.customerWrites(page, hook, { from: psid, text: 'Great, thanks' });
    expect(await convOf('messenger', psid)).toEqual(conv);
    // (The reply made the owner join: a system event between them.)
    expect((await detail(conv.id)).messages.filter((m: { author: string }) => m.author !== 'system').map((m: { body: string }) => m.body)).toEqual(['Do you deliver on Sundays?', 'Yes, from 10 to 4.', 'Great, thanks']);
  });

  it('CONV-6 an Instagram message lands in the inbox and the reply goes out through the Send API of the linked Page', async () => {
    const page = meta.instagram;
    const hook = hooks.instagram;
    const igsid = '5512345678901234';
    // Attachments only: shown by kind (the file stays at Meta).
    const first = await meta.customerWrites(page, hook, { from: igsid, attachments: [{ type: 'image', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' }] });
    expect(first.status, first.text).toBe(200);
    await meta.customerWrites(page, hook, { from: igsid, text: 'Is this cake still available?' });
    // An entry for another Instagram account, or a Messenger-shaped body, is not this channel's.
    const stranger = JSON.stringify({ object: 'instagram', entry: [{ id: '17841499999999999', time: Date.now(), messaging: [{ sender: { id: '42' }, recipient: { id: '17841499999999999' }, timestamp: Date.now(), message: { mid: 'aWdfother', text: 'not for you' } }] }] });
    expect(JSON.parse((await meta.deliver(hook, stranger, { 'x-hub-signature-256': meta.sign(stranger) })).text)).toEqual({ messages: 0, statuses: 0 });

    const conv = await convOf('instagram', igsid);
    const d = await detail(conv.id);
    expect(d.conversation.channel).toBe('instagram');
    expect(d.messages.map((m: { body: string }) => m.body)).toEqual(['[image]', 'Is this cake still available?']);
    expect((await db().execute(sql`SELECT source FROM contacts WHERE id = ${conv.contact_id}`)).rows[0]).toEqual({ source: 'instagram' });
    expect((await owner.client.get(api('/conversations?channel=instagram'))).json().items.map((c: { id: string }) => c.id)).toEqual([conv.id]);

    const res = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'It is! Shall we keep one for you?' });
    expect(res.statusCode, res.body).toBe(201);
    const mid = await accepted(res.json().id);
    expect(page.sent.find((s) => s.mid === mid)).toEqual({ mid, to: igsid, text: 'It is! Shall we keep one for you?', messagingType: 'RESPONSE' });
    // Through the Facebook Page linked to the account, with that Page's token.
    expect(meta.calls(`/v21.0/${page.pageId}/messages`, 'POST').at(-1)!.headers.authorization).toBe(`Bearer ${page.token}`);
    expect(JSON.parse((await meta.read(page, hook, igsid, mid)).text)).toEqual({ messages: 0, statuses: 1 });
    expect((await messageOf(conv.id, res.json().id)).deliveryStatus).toBe('read');

    // Instagram takes at most 1000 characters: refused before it is stored.
    const long = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'x'.repeat(1001) });
    expect(long.statusCode).toBe(409);
    expect(long.json().error).toMatchObject({ code: 'message_too_long', message: 'Instagram takes at most 1000 characters in a message; this one has 1001.' });
  });

  it('CONV-6 a Messenger webhook with a bad signature is refused and stores nothing, a signed body that is not JSON is a 400; a replayed one is ignored', async () => {
    const page = meta.messenger;
    const hook = hooks.messenger;
    const before = await messageCount();
    const events = [{ sender: { id: '7099999999999999' }, recipient: { id: page.accountId }, timestamp: Date.now(), message: { mid: 'm_forged1', text: 'forged' } }];
    expect((await meta.messaging(page, hook, events, {})).status).toBe(401);
    expect((await meta.messaging(page, hook, events, { 'x-hub-signature-256': meta.sign('{"other":"body"}') })).status).toBe(401);
    // The right body signed with another app's secret.
    const raw = JSON.stringify({ object: 'page', entry: [{ id: page.accountId, time: Date.now(), messaging: events }] });
    expect((await meta.deliver(hook, raw, { 'x-hub-signature-256': meta.sign(raw, 'another-apps-secret') })).status).toBe(401);
    const refused = await meta.messaging(page, hook, events, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text).error.code).toBe('bad_signature');
    // Signed, but not JSON: a 400 that says so.
    const notJson = await meta.deliver(hook, 'not json', { 'x-hub-signature-256': meta.sign('not json') });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.text).error.code).toBe('invalid_json');
    expect(await messageCount()).toBe(before);
    expect((await db().execute(sql`SELECT count(*)::int AS n FROM visitors WHERE channel_user_id = '7099999999999999'`)).rows[0]).toEqual({ n: 0 });

    const first = await meta.customerWrites(page, hook, { from: '7011111111111111', text: 'Hello once' });
    expect(first.status).toBe(200);
    // The same delivery again, and a new delivery carrying the same mid: stored once.
    const again = await meta.deliver(hook, first.raw, { 'x-hub-signature-256': meta.sign(first.raw) });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toEqual({ messages: 0, statuses: 0 });
    await meta.customerWrites(page, hook, { from: '7011111111111111', text: 'Hello once', mid: first.mid });
    expect(await messageCount()).toBe(before + 1);
    const conv = await convOf('messenger', '7011111111111111');
    expect((await detail(conv.id)).messages.map((m: { body: string }) => m.body)).toEqual(['Hello once']);
  });

  it('INT-4 CONV-6 signed Messenger bodies of other shapes are answered without a 500; a good message beside malformed events is kept', async () => {
    const page = meta.messenger;
    const hook = hooks.messenger;
    const before = await messageCount();
    const signed = (raw: string) => meta.deliver(hook, raw, { 'x-hub-signature-256': meta.sign(raw) });
    for (const raw of ['null', '[]', '{"object":"page","entry":"x"}', `{"object":"page","entry":[null,{"id":"${page.accountId}","messaging":{"a":1}}]}`]) {
      const res = await signed(raw);
      expect(res.status, `${raw}: ${res.text}`).toBe(200);
    }
    const sender = { id: '7044444444444444' };
    const events = [
      { sender, recipient: { id: page.accountId }, timestamp: 1e20, message: { mid: 'm_far_future', text: 'far future' } },
      { sender, recipient: { id: page.accountId }, timestamp: Date.now(), message: { mid: 'm_odd_attachments', attachments: 'photo' } },
      { sender, recipient: { id: page.accountId }, delivery: { mids: 'm_not_a_list' } },
      null,
      { sender, recipient: { id: page.accountId }, timestamp: Date.now(), message: { mid: 'm_good_beside_bad', text: 'Open on Sundays?' } },
    ];
    const res = await meta.messaging(page, hook, events as never);
    expect(res.status, res.text).toBe(200);
    const stored = await db().execute(sql`SELECT external_id, body FROM conversation_messages WHERE external_id IN ('m_far_future', 'm_odd_attachments', 'm_good_beside_bad') ORDER BY external_id`);
    expect(stored.rows).toEqual([
      { external_id: 'm_far_future', body: 'far future' },
      { external_id: 'm_good_beside_bad', body: 'Open on Sundays?' },
      { external_id: 'm_odd_attachments', body: '[message]' },
    ]);
    expect(await messageCount()).toBe(before + 3);
  });

  it('CONV-6 a Messenger reply Meta refuses is shown failed with the reason in words; Meta being down is retried and the reply goes out once', async () => {
    const page = meta.messenger;
    const hook = hooks.messenger;
    const psid = '7044444444444444';
    await meta.customerWrites(page, hook, { from: psid, text: 'Are you open today?' });
    const conv = await convOf('messenger', psid);
    const failedStatus = (id: string) => until(async () => ((await messageOf(conv.id, id))?.deliveryStatus === 'failed' ? messageOf(conv.id, id) : null), 'the reply to be marked failed');

    meta.answerNext({ status: 400, body: graphError(551, "This person isn't available right now.", 'OAuthException', 1545041) });
    const refused = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Yes, until 6.' });
    expect(refused.statusCode, refused.body).toBe(201);
    const m = await failedStatus(refused.json().id);
    expect(m.meta.error).toBe("This person isn't available on Messenger right now (they may have blocked the Page or deleted their account).");
    expect(page.sent.some((s) => s.to === psid)).toBe(false);

    meta.failNext(500);
    const retried = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Yes, until 6!' });
    const mid = await accepted(retried.json().id);
    expect(page.sent.filter((s) => s.to === psid)).toEqual([{ mid, to: psid, text: 'Yes, until 6!', messagingType: 'RESPONSE' }]);
    expect(meta.calls(`/v21.0/${page.pageId}/messages`, 'POST').filter((c) => c.body?.recipient?.id === psid).length).toBe(3);
    expect((await messageOf(conv.id, retried.json().id)).deliveryStatus).toBe('sent');
  });

  it('CONV-6 a worker killed after Meta took a Messenger reply but before saving its id does not send it twice: the retry shows it failed, saying it may have arrived', async () => {
    const page = meta.messenger;
    const psid = '7055555555555555';
    await meta.customerWrites(page, hooks.messenger, { from: psid, text: 'Hi there' });
    const conv = await convOf('messenger', psid);
    const system = db();
    // The "kill": saving Meta's id for this body fails once the Send API has taken it.
    await system.execute(sql.raw(`CREATE OR REPLACE FUNCTION test_fail_mid_save() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
      BEGIN
        IF OLD.external_id IS NULL AND NEW.external_id IS NOT NULL AND NEW.body = 'Only once on Messenger.' THEN
          RAISE EXCEPTION 'worker killed between the send and the save';
        END IF;
        RETURN NEW;
      END $$`));
    await system.execute(sql`CREATE OR REPLACE TRIGGER test_fail_mid_save BEFORE UPDATE ON conversation_messages FOR EACH ROW EXECUTE FUNCTION test_fail_mid_save()`);
    try {
      const res = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Only once on Messenger.' });
      expect(res.statusCode, res.body).toBe(201);
      const m = await until(async () => {
        const found = await messageOf(conv.id, res.json().id);
        return found?.deliveryStatus === 'failed' && found;
      }, 'the retry to mark the reply failed');
      expect(m.meta.error).toBe("Kestrel lost Messenger's answer to this message, so it may or may not have arrived. Check with the customer before sending it again.");
      expect(page.sent.filter((x) => x.text === 'Only once on Messenger.')).toHaveLength(1);
    } finally {
      await system.execute(sql`DROP TRIGGER IF EXISTS test_fail_mid_save ON conversation_messages`);
    }
  });

  it('PRIV-9 CONV-6 the public privacy page names Meta once Messenger or Instagram is connected', async () => {
    const privacy = await server.app.inject({ method: 'GET', url: `/api/public/privacy/${owner.workspaceId}` });
    expect(privacy.statusCode).toBe(200);
    expect(privacy.json().subprocessors.map((s: { name: string; scope: string }) => `${s.name}:${s.scope}`)).toContain('Meta (Messenger and Instagram):workspace');
    const other = await ownerWithWorkspace(server, 'Not On Meta');
    const theirs = await server.app.inject({ method: 'GET', url: `/api/public/privacy/${other.workspaceId}` });
    expect(theirs.json().subprocessors.map((s: { name: string }) => s.name)).not.toContain('Meta (Messenger and Instagram)');
  });

  it('CONV-6 a reply after the 24-hour window is refused with a clear 409', async () => {
    const page = meta.messenger;
    const hook = hooks.messenger;
    const psid = '7022222222222222';
    await meta.customerWrites(page, hook, { from: psid, text: 'Can I order for next week?', at: new Date(Date.now() - 25 * 3600_000) });
    const conv = await convOf('messenger', psid);
    expect(Date.parse((await detail(conv.id)).messaging.windowClosesAt)).toBeLessThan(Date.now());

    const sentBefore = page.sent.length;
    const refused = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Sure, what would you like?' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('messenger_window_closed');
    expect(refused.json().error.message).toMatch(/^Messenger allows replies within 24 hours of the customer's last message; that window closed at \d{4}-\d\d-\d\d \d\d:\d\d UTC\. You can reply when the customer writes again/);
    expect(page.sent.length).toBe(sentBefore);
    expect((await detail(conv.id)).messages.some((m: { body: string }) => m.body === 'Sure, what would you like?')).toBe(false);

    // With Meta's Human Agent permission (turned on in settings), a person may answer for 7 days, tagged HUMAN_AGENT.
    page.humanAgentGranted = true;
    expect((await connect(page, { humanAgent: true })).json().messenger.humanAgent).toBe(true);
    expect(Date.parse((await detail(conv.id)).messaging.humanAgentClosesAt) - Date.now()).toBeGreaterThan(5.9 * 24 * 3600_000);
    const tagged = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Sure, what would you like?' });
    expect(tagged.statusCode, tagged.body).toBe(201);
    const mid = await accepted(tagged.json().id);
    expect(page.sent.find((s) => s.mid === mid)).toMatchObject({ to: psid, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect((await messageOf(conv.id, tagged.json().id)).meta.messagingTag).toBe('HUMAN_AGENT');

    // After 7 days not even a person's reply may go out.
    const old = '7033333333333333';
    await meta.customerWrites(page, hook, { from: old, text: 'Hello?', at: new Date(Date.now() - 8 * 24 * 3600_000) });
    const stale = await convOf('messenger', old);
    const late = await owner.client.post(api(`/conversations/${stale.id}/messages`), { body: 'Sorry for the wait' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toMatch(/^Messenger allows replies within 24 hours of the customer's last message; that window closed at .* Replies tagged as a person's \(Human Agent\) were allowed for 7 days, until /);
    expect(page.sent.some((s) => s.to === old)).toBe(false);
  });

  it('CONV-6 Disconnect Instagram deletes its ids, verify token and sealed token and secret; its webhook then refuses and Messenger stays connected', async () => {
    const shop = await ownerWithWorkspace(server, 'Closing Crumbs');
    const at = (path: string) => `/api/workspaces/${shop.workspaceId}${path}`;
    const page = meta.instagram;
    const put = await shop.client.patch(at('/channel-settings'), { instagram: { accountId: page.accountId, pageId: page.pageId, pageAccessToken: page.token, appSecret: meta.appSecret, verifyToken: VERIFY }, messenger: { pageId: meta.messenger.pageId, pageAccessToken: meta.messenger.token, appSecret: meta.appSecret, verifyToken: VERIFY } });
    expect(put.json().instagram.connected).toBe(true);
    const hook = `${server.url}${new URL(put.json().instagram.webhookUrl).pathname}`;
    expect((await meta.customerWrites(page, hook, { from: '8011111111111111', text: 'Still open?' })).status).toBe(200);

    const off = await shop.client.delete(at('/channel-settings/instagram'));
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().instagram).toMatchObject({ connected: false, accountId: null, pageId: null, hasPageAccessToken: false, hasAppSecret: false, verifyToken: null, humanAgent: false });
    expect(off.json().messenger.connected).toBe(true);
    const [row] = (await db().execute(sql`SELECT instagram_account_id, instagram_token_sealed, instagram_app_secret_sealed, instagram_verify_token FROM channel_settings WHERE workspace_id = ${shop.workspaceId}`)).rows;
    expect(row).toEqual({ instagram_account_id: null, instagram_token_sealed: null, instagram_app_secret_sealed: null, instagram_verify_token: null });
    const before = await messageCount();
    expect((await meta.customerWrites(page, hook, { from: '8011111111111111', text: 'Hello?' })).status).toBe(401);
    expect(await messageCount()).toBe(before);
  });
});
