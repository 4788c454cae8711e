import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_LIMIT, payloadOf, Realtime, type RealtimeEvent } from './realtime';

const W = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

describe('realtime fan-out (issue 15)', () => {
  it('CONV-4 an event reaches only the streams that may show it: its conversation’s subscribers and the workspace’s of its kind; resync reaches all', () => {
    const rt = new Realtime('postgres://unused', pino({ level: 'silent' }));
    const heard: Record<string, string[]> = { a: [], b: [], inbox: [], all: [], other: [] };
    const log = (name: string) => (e: RealtimeEvent) => heard[name]!.push(`${e.k}:${e.c ?? '-'}`);
    const offA = rt.subscribe(W, log('a'), { subject: 'conv-a', kinds: new Set(['message', 'conversation']) });
    rt.subscribe(W, log('b'), { subject: 'conv-b' });
    rt.subscribe(W, log('inbox'), { kinds: new Set(['message', 'note']) });
    rt.subscribe(W, log('all'));
    rt.subscribe(OTHER, log('other'));
    expect(rt.subscribers).toBe(5);

    rt.dispatch({ w: W, c: 'conv-a', e: 1, k: 'message' });
    rt.dispatch({ w: W, c: 'conv-a', e: 2, k: 'note' });
    rt.dispatch({ w: W, c: 'conv-b', e: 3, k: 'message' });
    rt.dispatch({ w: W, c: 'run-1', e: null, k: 'agent_run_cancel' });
    rt.dispatch({ w: W, c: null, e: null, k: 'resync' });
    expect(heard.a).toEqual(['message:conv-a', 'resync:-']);
    expect(heard.b).toEqual(['message:conv-b', 'resync:-']);
    expect(heard.inbox).toEqual(['message:conv-a', 'note:conv-a', 'message:conv-b', 'resync:-']);
    expect(heard.all).toEqual(['message:conv-a', 'note:conv-a', 'message:conv-b', 'agent_run_cancel:run-1', 'resync:-']);
    expect(heard.other).toEqual([]);

    offA();
    offA();
    expect(rt.subscribers).toBe(4);
    rt.dispatch({ w: W, c: 'conv-a', e: 4, k: 'message' });
    expect(heard.a).toHaveLength(2);
  });

  it('CONV-1 a payload too large for NOTIFY goes without its data (subscribers read instead); one that fits keeps it', () => {
    const small = { w: W, c: 'conv-a', e: 1, k: 'message', d: { body: 'hello' } };
    expect(JSON.parse(payloadOf(small))).toEqual(small);
    // 3,000 Devanagari letters are 9,000 bytes of UTF-8: over the limit though under it in characters.
    const big = { w: W, c: 'conv-a', e: 2, k: 'message', d: { body: 'क'.repeat(3000) } };
    const sent = payloadOf(big);
    expect(Buffer.byteLength(sent)).toBeLessThanOrEqual(PAYLOAD_LIMIT);
    expect(JSON.parse(sent)).toEqual({ w: W, c: 'conv-a', e: 2, k: 'message' });
  });
});
