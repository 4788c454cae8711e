import { describe, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer } from '../../../../test/helpers/server';
import { checkBodyDepth, MAX_BODY_DEPTH } from './body-depth';

/** A filter group nested `levels` deep, as a hostile caller would send it. */
function nestedFilter(levels: number) {
  let group: Record<string, unknown> = { match: 'all', conditions: [{ field: 'firstName', op: 'contains', value: 'a' }] };
  for (let i = 1; i < levels; i++) group = { match: 'any', conditions: [group] };
  return group;
}

describe('bounded nesting', () => {
  it('INT-4 a filter nested thousands of levels deep is a 400 in the standard shape, not a 500; a normal nested filter still runs', async () => {
    const server = await startTestServer();
    const owner = await ownerWithWorkspace(server, 'Deep Filters');
    const url = `/api/workspaces/${owner.workspaceId}/views/query`;
    // Written as text: JSON.stringify itself cannot go this deep.
    const levels = 20_000;
    const inner = JSON.stringify(nestedFilter(1));
    const deepFilter = '{"match":"any","conditions":['.repeat(levels - 1) + inner + ']}'.repeat(levels - 1);
    const deep = await owner.client.post(url, `{"view":{"object":"contacts","filter":${deepFilter}},"limit":10}`);
    expect(deep.statusCode, deep.body).toBe(400);
    expect(deep.json().error).toMatchObject({ code: 'body_too_deep', details: { maxDepth: MAX_BODY_DEPTH } });
    const normal = await owner.client.post(url, { view: { object: 'contacts', filter: nestedFilter(3) }, limit: 10 });
    expect(normal.statusCode, normal.body).toBe(200);
  });

  it('INT-4 depth counts plain JSON only and stops at the first level past the limit', () => {
    expect(() => checkBodyDepth({ a: [{ b: [1, 2, { c: 'x' }] }] }, 5)).not.toThrow();
    expect(() => checkBodyDepth({ a: [{ b: [1, 2, { c: { d: 1 } }] }] }, 5)).toThrow(/more than 5 levels/);
    expect(() => checkBodyDepth(Buffer.alloc(10), 1)).not.toThrow();
  });
});
