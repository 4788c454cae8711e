import { beforeAll, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

/** AI-2: Forge writes templates and call scripts; they become outreach's own only through an approval. */
let server: TestServer;
let fake: FakeAi;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Lantern Books');
  const put = await owner.client.request('PUT', api('/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0123456789', baseUrl: fake.baseUrl });
  expect(put.statusCode, put.body).toBe(200);
  await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '4 Lantern Lane, Austin TX 78701' });
}, 300_000);

const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', input: { summary, findings: [{ title: summary, detail: 'Proposed for approval.' }] } }] });

it('AI-2 Forge proposes an email template; approved, it is a template with working merge fields, previewed and sent through the one send path', async () => {
  fake.reply(
    {
      toolCalls: [
        {
          name: 'propose_template',
          input: { name: 'Spring welcome', subject: 'Welcome to {{workspace.name}}, {{contact.firstName | "reader"}}', body: 'Hi {{contact.firstName | "there"}},\n\nOur spring picks are in. Come by & browse <new> arrivals.\n\n{{sender.name | "The team"}}', stream: 'marketing', rationale: 'A welcome for new subscribers.' },
        },
      ],
    },
    finish('A welcome template.'),
  );
  const run = await owner.client.post(api('/agents/forge/runs'), { task: 'email_template', subject: { type: 'workspace' }, instructions: 'A welcome email for new subscribers.', background: false });
  expect(run.statusCode, run.body).toBe(200);
  expect(run.json()).toMatchObject({ status: 'succeeded' });
  // Nothing is saved before a person approves.
  expect((await owner.client.get(api('/outreach/templates'))).json().items).toHaveLength(0);
  const proposal = (await owner.client.get(api('/approvals'))).json().items.find((p: { kind: string }) => p.kind === 'save_template');
  expect(proposal).toMatchObject({ agent: 'forge', status: 'pending', payload: expect.objectContaining({ name: 'Spring welcome' }) });

  const approved = await owner.client.post(api(`/approvals/${proposal.id}/approve`), {});
  expect(approved.statusCode, approved.body).toBe(200);
  const templateId = approved.json().result.templateId as string;
  const [template] = (await owner.client.get(api('/outreach/templates'))).json().items;
  expect(template).toMatchObject({ id: templateId, kind: 'email', stream: 'marketing', name: 'Spring welcome' });
  expect(template.html).toBe('<p>Hi {{contact.firstName | "there"}},</p><p>Our spring picks are in. Come by &amp; browse &lt;new&gt; arrivals.</p><p>{{sender.name | "The team"}}</p>');

  const email = `reader${Date.now().toString(36)}@example.test`;
  const contact = (await owner.client.post(api('/contacts'), { firstName: 'Mina', emails: [email] })).json();
  // The one send path: without consent a marketing template is refused; with it, it goes.
  expect((await owner.client.post(api(`/outreach/templates/${templateId}/send`), { contactId: contact.id })).json().error.details.reason).toBe('no_consent');
  await owner.client.post(api(`/outreach/contacts/${contact.id}/consent`), { state: 'granted', source: 'form', proof: 'shop form' });
  expect((await owner.client.post(api(`/outreach/templates/${templateId}/send`), { contactId: contact.id })).statusCode).toBe(200);
  const mail = await server.smtp.waitForMail(email, (m) => m.subject === 'Welcome to Lantern Books, Mina');
  expect(mail.html).toContain('<p>Hi Mina,</p>');
  expect(mail.raw).toMatch(/^List-Unsubscribe:/m);
});

it('AI-2 a template Forge proposes with a merge field Kestrel does not know is refused by name; a call script approved is kept as a call script, not an email template', async () => {
  fake.reply(
    { toolCalls: [{ name: 'propose_template', input: { name: 'Bad', subject: 'Hi {{first_name}}', body: 'Hello', rationale: 'x' } }] },
    { toolCalls: [{ name: 'propose_call_script', input: { name: 'Renewal call', body: 'Opening: Hi {{contact.firstName | "there"}}, this is {{sender.name | "the team"}}.\n\nQuestions: How did the last year go?\n\nClose: Shall I send the renewal?', rationale: 'Renewals are due.' } }] },
    finish('A call script.'),
  );
  const run = await owner.client.post(api('/agents/forge/runs'), { task: 'call_script', subject: { type: 'workspace' }, background: false });
  expect(run.statusCode, run.body).toBe(200);
  // What the tool told the model about the unknown field.
  const told = JSON.stringify(fake.requests.at(-2)!.body.messages.filter((m: { role: string }) => m.role === 'tool'));
  expect(told).toContain('Unknown merge field \\"first_name\\"');
  const proposals = (await owner.client.get(api('/approvals'))).json().items as { id: string; kind: string; payload: { name: string } }[];
  expect(proposals.some((p) => p.payload.name === 'Bad')).toBe(false);
  const script = proposals.find((p) => p.kind === 'save_call_script')!;
  expect((await owner.client.post(api(`/approvals/${script.id}/approve`), {})).statusCode).toBe(200);
  const scripts = (await owner.client.get(api('/outreach/templates?kind=call_script'))).json().items;
  expect(scripts).toMatchObject([{ kind: 'call_script', name: 'Renewal call' }]);
  expect((await owner.client.get(api('/outreach/templates'))).json().items.map((t: { name: string }) => t.name)).not.toContain('Renewal call');
  // A call script is never mailed.
  const contact = (await owner.client.post(api('/contacts'), { firstName: 'Ola', emails: ['ola@example.test'] })).json();
  const refused = await owner.client.post(api(`/outreach/templates/${scripts[0].id}/send`), { contactId: contact.id, stream: 'transactional' });
  expect(refused.statusCode).toBe(409);
  expect(refused.json().error.code).toBe('not_an_email_template');
});

it('AI-2 Forge proposes a sequence; approved, it is a draft sequence of its own templates; a call script is refused as a step', async () => {
  fake.reply(
    {
      toolCalls: [
        {
          name: 'propose_sequence',
          input: {
            name: 'Spring follow-up',
            steps: [
              { delayDays: 0, subject: 'Spring picks for {{contact.firstName | "you"}}', body: 'Hi {{contact.firstName | "there"}},\n\nOur spring picks are in.' },
              { delayDays: 3, body: 'Just checking you saw these.' },
            ],
            rationale: 'A two-step nudge.',
          },
        },
      ],
    },
    finish('A sequence.'),
  );
  const run = await owner.client.post(api('/agents/forge/runs'), { task: 'sequence', subject: { type: 'workspace' }, background: false });
  expect(run.statusCode, run.body).toBe(200);
  expect((await owner.client.get(api('/outreach/sequences'))).json().items.map((s: { name: string }) => s.name)).not.toContain('Spring follow-up');
  const proposal = (await owner.client.get(api('/approvals'))).json().items.find((p: { kind: string }) => p.kind === 'save_sequence');
  expect(proposal).toMatchObject({ agent: 'forge', status: 'pending', payload: { name: 'Spring follow-up' } });
  const approved = await owner.client.post(api(`/approvals/${proposal.id}/approve`), {});
  expect(approved.statusCode, approved.body).toBe(200);
  const { sequenceId, templateIds } = approved.json().result as { sequenceId: string; templateIds: string[] };
  const seq = (await owner.client.get(api(`/outreach/sequences/${sequenceId}`))).json();
  expect(seq).toMatchObject({ name: 'Spring follow-up', status: 'draft' });
  expect(seq.steps.map((s: { templateId: string; delayDays: number; subject: string }) => [s.templateId, s.delayDays, s.subject])).toEqual([
    [templateIds[0], 0, 'Spring picks for {{contact.firstName | "you"}}'],
    [templateIds[1], 3, ''],
  ]);
  const templates = (await owner.client.get(api('/outreach/templates'))).json().items as { id: string; kind: string; stream: string }[];
  expect(templates.filter((t) => templateIds.includes(t.id)).map((t) => [t.kind, t.stream])).toEqual([
    ['email', 'marketing'],
    ['email', 'marketing'],
  ]);
  // MAIL-2: a call script cannot be a sequence step or a campaign's template (409, in words).
  const script = (await owner.client.get(api('/outreach/templates?kind=call_script'))).json().items[0] as { id: string };
  const asStep = await owner.client.post(api('/outreach/sequences'), { name: 'Bad', steps: [{ templateId: script.id, delayDays: 0, subject: 'Hi' }] });
  expect(asStep.statusCode).toBe(409);
  expect(asStep.json().error).toMatchObject({ code: 'not_an_email_template', message: expect.stringContaining('is a call script, not an email template') });
  const asCampaign = await owner.client.post(api('/outreach/campaigns'), { name: 'Bad', templateId: script.id, tagId: '00000000-0000-4000-8000-000000000000' });
  expect(asCampaign.statusCode, asCampaign.body).toBe(409);
  expect(asCampaign.json().error.code).toBe('not_an_email_template');
});

it('AI-2 a sequence Forge proposes with an unknown merge field in a follow-up is refused by name', async () => {
  fake.reply(
    { toolCalls: [{ name: 'propose_sequence', input: { name: 'Broken', steps: [{ delayDays: 0, subject: 'Hi', body: 'Hello' }, { delayDays: 2, body: 'Hi {{first_name}}' }], rationale: 'x' } }] },
    finish('Nothing.'),
  );
  const run = await owner.client.post(api('/agents/forge/runs'), { task: 'sequence', subject: { type: 'workspace' }, background: false });
  expect(run.statusCode, run.body).toBe(200);
  const told = JSON.stringify(fake.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === 'tool'));
  expect(told).toContain('Unknown merge field \\"first_name\\"');
  expect((await owner.client.get(api('/approvals'))).json().items.some((p: { payload: { name: string } }) => p.payload.name === 'Broken')).toBe(false);
});
