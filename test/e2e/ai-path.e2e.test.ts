import type { Browser, Page } from 'playwright-core';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn as signInAs, startBrowserSuite } from '../helpers/browser';
import { startFakeAi, type FakeAi } from '../fakes/ai';
import { type TestServer } from '../helpers/server';

/**
 * The AI path in a real browser, against a real server and database, with a scripted model
 * behind a local OpenAI-compatible server: ask Closer about a deal and watch the draft appear,
 * edit and approve it in the inbox and see it go out over SMTP and onto the deal's timeline;
 * ask the brain a question and follow its citation to the deal; and the same pages on a phone.
 */

let server: TestServer;
let fake: FakeAi;
let browser: Browser;
const problems: string[] = [];

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
let owner: Owner;
let deal: { id: string; name: string };
let contact: { id: string };
let quiet: { id: string; name: string };

const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

beforeAll(async () => {
  fake = await startFakeAi();
  ({ server, browser } = await startBrowserSuite({ AI_RETRY_BASE_MS: '5' }));
  owner = await ownerWithWorkspace(server, 'Falcon Fitters');
  // AI-7 / decision 022: a sales email carries the business's postal address.
  expect((await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '3 Forge Street, Austin TX 78701, USA' })).statusCode).toBe(200);
  const put = await owner.client.request('PUT', api('/ai/provider'), { kind: 'openai', baseUrl: fake.baseUrl, apiKey: 'sk-test-1234567890', model: 'gpt-4o-mini' });
  expect(put.statusCode, put.body).toBe(200);
  const company = (await owner.client.post(api('/companies'), { name: 'Acme Tooling', state: 'TX', city: 'Austin' })).json();
  contact = (await owner.client.post(api('/contacts'), { firstName: 'Dana', lastName: 'Whitfield', emails: ['dana@acme.test'], companyId: company.id, title: 'Head of Operations' })).json();
  deal = (await owner.client.post(api('/deals'), { name: 'Acme rollout', amount: 24000, contactId: contact.id, companyId: company.id })).json();
  const texan = (await owner.client.post(api('/companies'), { name: 'Lone Star Roofing', state: 'TX' })).json();
  quiet = (await owner.client.post(api('/deals'), { name: 'Lone Star fleet deal', amount: 18000, companyId: texan.id })).json();
  for (const [id, when, note] of [
    [deal.id, 20, 'Dana liked the scheduling board but worried about the price for 40 seats.'],
    [quiet.id, 21, 'Ran the product demo for the crew leads.'],
  ] as const) {
    const res = await owner.client.post(api('/activities'), { kind: 'meeting', subject: 'Product demo', body: `<p>${note}</p>`, occurredAt: daysAgo(when), meetingStartsAt: daysAgo(when), links: [{ recordType: 'deals', recordId: id }] });
    expect(res.statusCode, res.body).toBe(201);
  }
}, 300_000);

beforeEach(() => fake.reset());

/** A page that also counts every console error (not only CSP ones): the AI pages promise none. */
async function newContext(options: Parameters<typeof openPage>[3] = {}) {
  const opened = await openPage(browser, server.url, problems, options);
  opened.page.on('console', (message) => {
    if (message.type() === 'error' && !/Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return opened;
}

const signIn = (page: Page, to: string) => signInAs(page, owner.email, owner.password, to);
const announced = (page: Page, text: string | RegExp) => page.getByTestId('announcer').filter({ hasText: text }).waitFor();
const finish = (summary: string, findings: unknown[] = []) => ({ toolCalls: [{ name: 'finish', input: { summary, findings } }] });

it('AI-2 AI-5 a person asks Closer about a deal, watches the draft appear, then edits and approves it in Approvals: the edited email goes out and lands on the deal’s timeline', async () => {
  fake.reply(
    {
      text: 'Reading the demo notes first.',
      toolCalls: [
        {
          name: 'propose_email',
          input: {
            contactId: contact.id,
            dealId: deal.id,
            subject: 'Pricing for 40 seats',
            body: 'Hi Dana,\n\nThanks for the demo. Here is how 40 seats could work.\n\nCould we talk Thursday?',
            rationale: 'Dana raised the price for 40 seats at the demo.',
          },
        },
      ],
    },
    finish('Send the pricing follow-up.', [{ title: 'Price objection after the demo', detail: 'Answer with a 40-seat plan.', records: [`deals/${deal.id}`] }]),
  );
  const home = `/w/${owner.workspaceId}`;
  const { page } = await newContext();
  await signIn(page, `${home}/deals/${deal.id}`);
  await heading(page, 'Acme rollout');

  const panel = page.getByRole('region', { name: 'AI agents' });
  await panel.getByRole('radio', { name: /Closer: Next step/ }).check();
  await panel.getByLabel(/Anything it should know/).fill('They asked about pricing for 40 seats.');
  await panel.getByRole('button', { name: 'Ask Closer' }).click();
  await announced(page, 'Closer has finished');
  // The summary, the finding with its record link, and the draft waiting for approval.
  await panel.getByText('Send the pricing follow-up.').waitFor();
  await panel.getByText('Price objection after the demo').waitFor();
  const draft = panel.locator('article').filter({ hasText: 'Pricing for 40 seats' });
  await draft.getByText('Waiting for approval').waitFor();
  await draft.getByText('dana@acme.test').waitFor();
  // The person's instructions reached the model.
  expect(fake.requests[0]!.raw).toContain('They asked about pricing for 40 seats.');
  // The run is listed under earlier runs.
  await panel.getByRole('button', { name: /Closer: Next step/ }).first().waitFor();

  // --- The inbox: the badge counts it; edit the body, see a field error, approve.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: /Approvals\s*1 waiting/ }).click();
  await heading(page, 'Approvals');
  // Found by its rationale: while it is edited, the subject is in a field, not in the text.
  const item = page.locator('article').filter({ hasText: 'Dana raised the price for 40 seats at the demo.' });
  await item.getByText('Dana raised the price for 40 seats at the demo.').waitFor();
  await item.getByRole('link', { name: /Acme rollout/ }).first().waitFor();
  await item.getByRole('button', { name: 'Edit' }).click();
  await item.getByLabel('Subject').fill('');
  await item.getByRole('button', { name: 'Approve and send' }).click();
  await item.getByText('Enter a subject.').waitFor();
  // Focus moves to the field that needs fixing.
  await expect.poll(() => item.getByLabel('Subject').evaluate((el) => el === document.activeElement)).toBe(true);
  await item.getByLabel('Subject').fill('Pricing for 40 seats');
  await item.getByLabel('Message').fill('Hi Dana,\n\nEdited by a person before sending: 40 seats at a team price.\n\nThursday?');
  await item.getByRole('button', { name: 'Approve and send' }).click();
  await announced(page, 'Email approved and sent to Dana Whitfield.');
  await page.getByText('Nothing waiting for approval').waitFor();

  const mail = await server.smtp.waitForMail('dana@acme.test', (m) => m.subject === 'Pricing for 40 seats');
  expect(mail.text).toContain('Edited by a person before sending');
  expect(mail.text).not.toContain('Here is how 40 seats could work');

  await page.getByRole('tab', { name: 'Approved' }).click();
  await page.locator('article').filter({ hasText: 'Pricing for 40 seats' }).getByText('Edited before sending').waitFor();

  // --- The deal's timeline shows the email that went out.
  await page.goto(`${home}/deals/${deal.id}`);
  await heading(page, 'Acme rollout');
  await page.getByText('Pricing for 40 seats').first().waitFor();
  const timeline = (await owner.client.get(api(`/timeline?recordType=deals&recordId=${deal.id}&kinds=email`))).json();
  expect(timeline.items.some((i: { subject: string }) => i.subject === 'Pricing for 40 seats')).toBe(true);
  expect(problems).toEqual([]);
}, 180_000);

it('AI-2 AI-7 on a contact, Stop ends a Closer run while the model is still thinking; the run is kept as stopped', async () => {
  let modelAsked = false;
  fake.reply(async () => {
    modelAsked = true;
    // The model takes its time: long enough for a person to press Stop.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    return finish('Too late.');
  });
  const home = `/w/${owner.workspaceId}`;
  const { page } = await newContext();
  await signIn(page, `${home}/contacts/${contact.id}`);
  await heading(page, 'Dana Whitfield');
  const panel = page.getByRole('region', { name: 'AI agents' });
  await panel.getByRole('radio', { name: /Closer: Personalised sales email/ }).check();
  await panel.getByRole('button', { name: 'Ask Closer' }).click();
  await panel.getByRole('progressbar', { name: 'Closer is working' }).waitFor();
  await expect.poll(() => modelAsked).toBe(true);
  await panel.getByRole('button', { name: 'Stop' }).click();
  await announced(page, 'Closer stopped: Stopped by a person.');
  await panel.getByText('Stopped by a person.').first().waitFor();
  const [run] = (await owner.client.get(api(`/agents/runs?subjectType=contacts&subjectId=${contact.id}&limit=1`))).json().items;
  expect(run).toMatchObject({ status: 'cancelled', task: 'personal_email' });
  expect(problems).toEqual([]);
}, 180_000);

it('AI-3 a person asks the brain which Texas deals went quiet, the answer streams in with a numbered citation, and the citation opens the deal', async () => {
  fake.reply(
    { toolCalls: [{ name: 'search_timeline', input: { query: 'demo', kind: 'meeting' } }] },
    { text: `Lone Star fleet deal has had nothing since the demo three weeks ago [deals/${quiet.id}].`, chunkSize: 6 },
  );
  const home = `/w/${owner.workspaceId}`;
  const { page } = await newContext();
  await signIn(page, `${home}/brain`);
  await heading(page, 'Ask');
  await page.getByRole('button', { name: 'Which deals in Texas have gone quiet since the demo?' }).waitFor();
  const box = page.getByLabel('Your question');
  await box.fill('Which deals in Texas have gone quiet since the demo?');
  await box.press('Enter');
  await announced(page, 'The answer is ready.');
  await page.getByText('has had nothing since the demo three weeks ago').waitFor();
  // The conversation is kept and listed.
  await page.waitForURL(/\/brain\?c=/);
  const citation = page.getByRole('link', { name: 'Source 1: Lone Star fleet deal' });
  expect(await citation.getAttribute('title')).toBe('Lone Star fleet deal');
  await page.getByText('Sources', { exact: true }).waitFor();
  await citation.click();
  await heading(page, 'Lone Star fleet deal');
  expect(page.url()).toContain(`/deals/${quiet.id}`);
  expect(problems).toEqual([]);
}, 180_000);

it('AI-2 AI-3 AI-5 on a phone (390 px) the deal’s agent panel with a finished run, Agents, Approvals and a brain conversation fit without sideways scrolling', async () => {
  // Its own data: a Closer run with a pending draft, and a brain conversation, made through the API.
  fake.reply(
    { toolCalls: [{ name: 'propose_email', input: { contactId: contact.id, dealId: deal.id, subject: 'A very long subject line about the forty-seat rollout plan for Acme Tooling in Austin, Texas', body: `Hi Dana,\n\nhttps://example.test/${'a'.repeat(120)}\n\nThanks`, rationale: 'Follow up on the demo.' } }] },
    finish('Follow up with the long link.', [{ title: 'A finding with a long reference', detail: 'x'.repeat(300), records: [`deals/${deal.id}`] }]),
    // The brain may only cite what it read: it searches first.
    { toolCalls: [{ name: 'search_timeline', input: { query: 'demo', kind: 'meeting' } }] },
    { text: `Quiet since the demo [deals/${quiet.id}].` },
  );
  const run = await owner.client.post(api('/agents/closer/runs'), { task: 'follow_up', subject: { type: 'deals', id: deal.id } });
  expect(run.statusCode, run.body).toBe(200);
  const asked = await owner.client.post(api('/brain/conversations'), { question: 'Which deals in Texas have gone quiet since the demo?' });
  expect(asked.statusCode, asked.body).toBe(200);
  const conversationId = asked.json().conversation.id as string;

  const home = `/w/${owner.workspaceId}`;
  const { page } = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await signIn(page, `${home}/deals/${deal.id}`);
  await heading(page, 'Acme rollout');
  const panel = page.getByRole('region', { name: 'AI agents' });
  await panel.getByRole('button', { name: /Closer: Draft a follow-up/ }).first().click();
  await panel.getByText('Follow up with the long link.').waitFor();
  await panel.getByText(/A very long subject line/).first().waitFor();
  expect(await noSidewaysScroll(page)).toBe(true);

  await page.goto(`${home}/agents`);
  await heading(page, 'Agents');
  await page.getByRole('region', { name: 'Recent runs' }).getByRole('button', { name: /Closer: Draft a follow-up/ }).first().waitFor();
  expect(await noSidewaysScroll(page), '/agents scrolls sideways').toBe(true);

  await page.goto(`${home}/approvals`);
  await heading(page, 'Approvals');
  await page.locator('article').filter({ hasText: 'A very long subject line' }).first().waitFor();
  expect(await noSidewaysScroll(page), '/approvals scrolls sideways').toBe(true);

  await page.goto(`${home}/brain?c=${conversationId}`);
  await heading(page, 'Ask');
  await page.getByRole('link', { name: 'Source 1: Lone Star fleet deal' }).waitFor();
  expect(await noSidewaysScroll(page), '/brain scrolls sideways').toBe(true);
  // Deleting the conversation asks first, then leaves for a new question.
  await page.getByRole('button', { name: 'Delete conversation' }).click();
  await page.getByRole('group', { name: 'Confirm deletion' }).getByRole('button', { name: 'Delete' }).click();
  await announced(page, 'Conversation deleted.');
  await page.getByRole('heading', { name: 'Ask anything about your workspace' }).waitFor();
  expect((await owner.client.get(api(`/brain/conversations/${conversationId}`))).statusCode).toBe(404);
  expect(problems).toEqual([]);
}, 180_000);

it('AI-5 staff see which agents are on autopilot but cannot change it; clients have no AI in the navigation or at its addresses', async () => {
  const staff = await addMember(server, owner, 'staff');
  const client = await addMember(server, owner, 'client');
  const home = `/w/${owner.workspaceId}`;
  const { page } = await newContext();
  await signInAs(page, staff.email, staff.password, `${home}/settings/ai`);
  const agents = page.getByRole('region', { name: 'Agents' });
  await agents.getByText('Autopilot acts without asking.').waitFor();
  expect(await agents.getByRole('checkbox', { name: 'Closer on autopilot' }).isDisabled()).toBe(true);
  expect(await agents.getByRole('checkbox', { name: 'Weekly brief every Monday' }).isDisabled()).toBe(true);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).waitFor();

  const { page: theirs } = await newContext();
  await signInAs(theirs, client.email, client.password, `${home}/agents`);
  await heading(theirs, 'Not available to you');
  const nav = theirs.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Home' }).waitFor();
  for (const name of ['Agents', 'Approvals', 'Ask']) expect(await nav.getByRole('link', { name, exact: true }).count(), name).toBe(0);
  expect(problems).toEqual([]);
}, 180_000);
