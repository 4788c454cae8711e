import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server';

let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Dial Tone Ltd');
}, 300_000);

describe('removing a do-not-call number', () => {
  it('CALL-2 an owner takes a number off the list with a reason, audited with what the entry was; staff may not, and no reason or an unknown number is a clear 4xx', async () => {
    expect((await owner.client.post(api('/calls/do-not-call'), { number: '+1 512 555 0142', reason: 'asked on the phone' })).statusCode).toBe(201);
    const staff = await addMember(server, owner, 'staff');
    expect((await staff.client.post(api('/calls/do-not-call/remove'), { number: '+15125550142', reason: 'typo' })).statusCode).toBe(403);
    const noReason = await owner.client.post(api('/calls/do-not-call/remove'), { number: '+15125550142' });
    expect(noReason.statusCode).toBe(400);
    expect((await owner.client.post(api('/calls/do-not-call/remove'), { number: '+15125550199', reason: 'typo' })).statusCode).toBe(404);

    const res = await owner.client.post(api('/calls/do-not-call/remove'), { number: '(512) 555-0142', reason: 'Entered for the wrong contact' });
    expect(res.statusCode, res.body).toBe(204);
    const list = (await owner.client.get(api('/calls/do-not-call'))).json();
    expect(JSON.stringify(list)).not.toContain('+15125550142');
    const audit = (await owner.client.get(api('/audit?action=do_not_call.removed'))).json();
    expect(JSON.stringify(audit)).toContain('Entered for the wrong contact');
    expect(JSON.stringify(audit)).toContain('asked on the phone');
    expect(JSON.stringify(audit)).toContain('+15125550142');
  });
});
