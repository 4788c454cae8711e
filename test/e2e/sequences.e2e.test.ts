import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/** Issue 17's sequence path in a real browser: a two-step sequence from templates, a saved view of leads enrolled, one lead taken out by hand. */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = process.env.SEQUENCES_SCREENSHOTS ?? '';

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it('MAIL-2 the owner builds a two-step sequence on the Sequences page, enrols a saved view of leads (the one without consent skipped) and takes one lead out', async () => {
  const owner = await ownerWithWorkspace(server, 'Kiln Pottery');
  const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
  expect((await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '9 Clay Street, Austin TX 78701' })).statusCode).toBe(200);
  for (const [i, consent] of [true, true, false].entries()) {
    const id = (await owner.client.post(api('/contacts'), { firstName: `Potter${i}`, lastName: 'Lead', emails: [`potter${Date.now().toString(36)}${i}@example.test`], lifecycle: 'lead', timeZone: 'America/Chicago' })).json().id as string;
    if (consent) expect((await owner.client.post(api(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'demo form' })).statusCode).toBe(200);
  }
  for (const [name, subject] of [['Intro', 'A kiln for your studio'], ['Nudge', 'Following up on the kiln']]) {
    expect((await owner.client.post(api('/outreach/templates'), { name, subject, html: '<p>Hi {{contact.firstName | "there"}}.</p>' })).statusCode).toBe(201);
  }
  expect((await owner.client.post(api('/views'), { name: 'Leads', shared: true, definition: { object: 'contacts', columns: ['name', 'email'], filter: { match: 'all', conditions: [{ field: 'lifecycle', op: 'eq', value: 'lead' }] } } })).statusCode).toBe(201);

  const { page } = await openPage(browser, server.url, problems);
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/sequences`);
  await heading(page, 'Sequences');
  await page.getByText('No sequences yet').waitFor();

  await page.getByLabel('Name').fill('Kiln follow-up');
  await page.getByLabel('Step 1: template').selectOption({ label: 'Intro' });
  await page.getByRole('button', { name: 'Add a step' }).click();
  await page.getByLabel('Step 2: template').selectOption({ label: 'Nudge' });
  await expect(page.getByLabel('Days after step 1').inputValue()).resolves.toBe('3');
  await page.getByRole('button', { name: 'Save sequence' }).click();

  const card = page.getByRole('region', { name: 'Kiln follow-up' });
  // MAIL-2: a follow-up without its own subject is a reply in the thread.
  await card.getByText('Reply in the thread (“Re: …”)').waitFor();
  await card.getByText('— 3 days later').waitFor();
  await card.getByLabel('Enrol a saved view').selectOption({ label: 'Leads' });
  await card.getByRole('button', { name: 'Enrol' }).click();
  await card.getByText('2 enrolled; skipped: 1 no recorded consent.').waitFor();
  await expect.poll(() => card.getByTestId('sequence-counts').textContent()).toBe('2 active');
  await page.setViewportSize({ width: 1280, height: 900 });
  if (shots) await page.screenshot({ path: `${shots}/sequences-1280.png`, fullPage: true });

  await card.getByRole('button', { name: 'Take Potter0 Lead out of Kiln follow-up' }).click();
  await expect.poll(() => card.getByTestId('sequence-counts').textContent()).toBe('1 active · 1 stopped');

  // MAIL-2: the steps are edited while the sequence runs: step 2 gets its own subject and a new day.
  await card.getByRole('button', { name: 'Edit steps' }).click();
  await card.getByText('1 lead(s) wait for this step').waitFor();
  await card.getByLabel(/Own subject/).first().fill('Following up on the kiln');
  await card.getByLabel('Days after step 1').fill('4');
  await card.getByRole('button', { name: 'Save steps' }).click();
  await card.getByText('— 4 days later').waitFor();
  await card.getByText('Following up on the kiln').waitFor();

  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/sequences-390.png`, fullPage: true });
  expect(problems).toEqual([]);
});
