import { describe, expect, it } from 'vitest';
import { addMember } from '../../../../test/helpers/client';
import { privacyTestBed, type Owner as PrivacyOwner } from '../../../../test/helpers/privacy';
import { runRetention } from './run-retention';

const bed = privacyTestBed('Short Memory Bakery', 'Default Keeper');
const { api } = bed;
const sys = () => bed.sys();
const retention = () => runRetention(bed.server.services.database.system, bed.server.services.config.DATA_DIR, { mailLogDays: 90, auditLogDays: 90 });
type Owner = PrivacyOwner;

/** A web conversation whose last message was `daysAgo` days ago, with a message and its transcript on the timeline. */
async function conversation(o: Owner, daysAgo: number) {
  const at = `now() - interval '${daysAgo} days'`;
  const v = (await sys().query<{ id: string }>(`INSERT INTO visitors (workspace_id, id, name) VALUES ($1, gen_random_uuid(), 'Visitor') RETURNING id`, [o.workspaceId])).rows[0]!;
  const a = (await sys().query<{ id: string }>(`INSERT INTO activities (workspace_id, id, kind, body, occurred_at) VALUES ($1, gen_random_uuid(), 'chat', 'transcript', ${at}) RETURNING id`, [o.workspaceId])).rows[0]!;
  const c = (
    await sys().query<{ id: string }>(`INSERT INTO conversations (workspace_id, id, visitor_id, last_message_at, created_at, chat_activity_id) VALUES ($1, gen_random_uuid(), $2, ${at}, ${at}, $3) RETURNING id`, [o.workspaceId, v.id, a.id])
  ).rows[0]!;
  await sys().query(`INSERT INTO conversation_messages (workspace_id, id, conversation_id, author_kind, body, created_at) VALUES ($1, gen_random_uuid(), $2, 'visitor', 'Hello', ${at})`, [o.workspaceId, c.id]);
  return { id: c.id, activityId: a.id };
}

const aiCall = (o: Owner, daysAgo: number, call: Parameters<typeof bed.aiCall>[3]) => bed.aiCall(o, o.userId, daysAgo, call);

const exists = async (table: string, id: string) => (await sys().query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).rowCount === 1;

describe('per-workspace retention of conversations and AI calls (PRIV-4)', () => {
  it('PRIV-4 owners and admins set how long conversations and AI calls are kept, within bounds; staff cannot; defaults until set; audited', async () => {
    const staff = await addMember(bed.server, bed.owner, 'staff');
    const admin = await addMember(bed.server, bed.owner, 'admin');
    const defaults = (await bed.owner.client.get(api(bed.owner, '/privacy/retention'))).json();
    expect(defaults).toEqual({ conversationDays: 365, aiCallDays: 90, defaults: { conversationDays: 365, aiCallDays: 90 } });
    expect((await staff.client.get(api(bed.owner, '/privacy/retention'))).statusCode).toBe(403);
    expect((await staff.client.request('PUT', api(bed.owner, '/privacy/retention'), { conversationDays: 30, aiCallDays: 7 })).statusCode).toBe(403);
    for (const bad of [{ conversationDays: 0, aiCallDays: 7 }, { conversationDays: 30, aiCallDays: 3651 }, { conversationDays: 1.5, aiCallDays: 7 }, { conversationDays: '30', aiCallDays: 7 }, { conversationDays: 30 }]) {
      const r = await admin.client.request('PUT', api(bed.owner, '/privacy/retention'), bad);
      expect(r.statusCode, JSON.stringify(bad)).toBe(400);
      expect(r.json().error.code).toBeTruthy();
    }
    const saved = await admin.client.request('PUT', api(bed.owner, '/privacy/retention'), { conversationDays: 30, aiCallDays: 7 });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await bed.owner.client.get(api(bed.owner, '/privacy/retention'))).json()).toMatchObject({ conversationDays: 30, aiCallDays: 7 });
    // The bed.other workspace still has the defaults.
    expect((await bed.other.client.get(api(bed.other, '/privacy/retention'))).json()).toMatchObject({ conversationDays: 365, aiCallDays: 90 });
    const audit = (await bed.owner.client.get(api(bed.owner, '/audit?action=privacy.retention_updated'))).json().entries;
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toEqual({ conversationDays: 30, aiCallDays: 7 });
  });

  it('PRIV-4 the retention job deletes backdated conversations and AI calls past each workspace\'s setting; AI usage and cost stay the same from an anonymised daily aggregate', async () => {
    // Owner's workspace keeps conversations 30 days and AI calls 7 (set above); the bed.other keeps the defaults (365 / 90).
    const oldChat = await conversation(bed.owner, 31);
    const recentChat = await conversation(bed.owner, 29);
    const otherKept = await conversation(bed.other, 31);
    const otherOld = await conversation(bed.other, 366);

    await aiCall(bed.owner, 8, { tokensIn: 1000, tokensOut: 200, costUsd: 0.0012 });
    await aiCall(bed.owner, 8, { tokensIn: 500, tokensOut: 100, costUsd: 0.0006 });
    await aiCall(bed.owner, 8, { outcome: 'error', tokensIn: null, tokensOut: null, costUsd: null });
    await aiCall(bed.owner, 8, { outcome: 'limit_exceeded' });
    await aiCall(bed.owner, 9, { model: 'local-llama', tokensIn: 300, tokensOut: 30, costUsd: null });
    await aiCall(bed.owner, 6, { tokensIn: 10, tokensOut: 5, costUsd: 0.00001 });
    await aiCall(bed.other, 8, { tokensIn: 1, tokensOut: 1, costUsd: 0.000001 });
    await aiCall(bed.other, 91, { tokensIn: 1, tokensOut: 1, costUsd: 0.000001 });

    const usageBefore = (await bed.owner.client.get(api(bed.owner, '/ai/usage'))).json();
    expect(usageBefore.totals).toMatchObject({ calls: 5, failed: 2, tokensIn: 1810, tokensOut: 335, unpricedCalls: 1 });
    const otherBefore = (await bed.other.client.get(api(bed.other, '/ai/usage'))).json();

    const result = await retention();
    expect(result.conversations).toBe(2);
    expect(result.aiCalls).toBe(6);

    expect(await exists('conversations', oldChat.id)).toBe(false);
    expect((await sys().query('SELECT 1 FROM conversation_messages WHERE conversation_id = $1', [oldChat.id])).rowCount).toBe(0);
    expect(await exists('activities', oldChat.activityId)).toBe(false);
    expect(await exists('conversations', recentChat.id)).toBe(true);
    expect(await exists('activities', recentChat.activityId)).toBe(true);
    expect(await exists('conversations', otherKept.id)).toBe(true);
    expect(await exists('conversations', otherOld.id)).toBe(false);

    const left = await sys().query<{ workspace_id: string; n: number }>(`SELECT workspace_id, count(*)::int AS n FROM ai_calls WHERE workspace_id = ANY($1) GROUP BY 1`, [[bed.owner.workspaceId, bed.other.workspaceId]]);
    expect(Object.fromEntries(left.rows.map((r) => [r.workspace_id, r.n]))).toEqual({ [bed.owner.workspaceId]: 1, [bed.other.workspaceId]: 1 });

    // Only counts remain: per day, provider and model, nothing that names a call, a person or a prompt.
    const columns = (await sys().query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'ai_usage_daily' ORDER BY ordinal_position`)).rows.map((r) => r.column_name);
    expect(columns).toEqual(['workspace_id', 'day', 'provider_kind', 'model', 'calls', 'failed', 'tokens_in', 'tokens_out', 'cost_usd', 'unpriced_calls']);
    const kept = (await sys().query(`SELECT model, calls::int, failed::int, tokens_in::int, tokens_out::int, cost_usd::float8 AS cost, unpriced_calls::int FROM ai_usage_daily WHERE workspace_id = $1 ORDER BY model`, [bed.owner.workspaceId])).rows;
    expect(kept).toEqual([
      { model: 'gpt-4o-mini', calls: 3, failed: 2, tokens_in: 1500, tokens_out: 300, cost: 0.0018, unpriced_calls: 0 },
      { model: 'local-llama', calls: 1, failed: 0, tokens_in: 300, tokens_out: 30, cost: 0, unpriced_calls: 1 },
    ]);

    // The usage and cost figures read the same after the purge, day by day.
    const usageAfter = (await bed.owner.client.get(api(bed.owner, '/ai/usage'))).json();
    expect(usageAfter.totals).toEqual(usageBefore.totals);
    expect(usageAfter.days).toEqual(usageBefore.days);
    expect((await bed.other.client.get(api(bed.other, '/ai/usage'))).json().totals).toEqual(otherBefore.totals);
    // What was the owner's own is now anonymous: no member is named for the purged calls.
    const named = usageAfter.users.find((u: { userId: string | null }) => u.userId === bed.owner.userId);
    expect(named.calls).toBe(1);
    expect(usageAfter.users.find((u: { userId: string | null }) => u.userId === null).calls).toBe(4);

    // A second run finds nothing more and counts nothing twice.
    expect(await retention()).toMatchObject({ conversations: 0, aiCalls: 0 });
    expect((await bed.owner.client.get(api(bed.owner, '/ai/usage'))).json().totals).toEqual(usageBefore.totals);
  });
});
