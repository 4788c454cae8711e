import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { publishPolicy } from '../../src/server/modules/policies/policies';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/** In a real browser: the owner records a breach and sends its notice (PRIV-6); a material policy change greets a person at sign-in (PRIV-7). */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = 'test-results/privacy-ops';

beforeAll(async () => {
  ({ server, browser } = await startBrowserSuite());
  mkdirSync(shots, { recursive: true });
}, 180_000);

async function screenshots(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/${name}-390.png`, fullPage: true });
  expect(await noSidewaysScroll(page), name).toBe(true);
  await page.setViewportSize({ width: 1280, height: 900 });
}

it('PRIV-6 the owner records a breach, scopes it, previews the notice and sends it to everyone affected, with the 72-hour deadline shown', async () => {
  const owner = await ownerWithWorkspace(server, 'Paper Lanterns');
  const contactEmail = `lantern-buyer-${Date.now().toString(36)}@example.com`;
  expect((await owner.client.post(`/api/workspaces/${owner.workspaceId}/contacts`, { firstName: 'Lena', lastName: 'Buyer', emails: [contactEmail] })).statusCode).toBe(201);
  const { page } = await openPage(browser, server.url, problems);
  const url = `/w/${owner.workspaceId}/settings/incidents`;
  await signIn(page, owner.email, owner.password, url);
  await heading(page, 'Breach incidents');
  await page.getByText('No incidents recorded').waitFor();
  await screenshots(page, 'empty');

  await page.getByRole('button', { name: 'Record an incident' }).click();
  const form = page.getByRole('form', { name: 'Record an incident' });
  await form.getByLabel('Title', { exact: true }).fill('Shared drive link leaked');
  await form.getByLabel('What happened', { exact: true }).fill('A link to the customer list was posted in a public forum for two hours.');
  await form.getByLabel(/^Measures taken/).fill('The link was revoked and the forum post removed.');
  await form.getByLabel('Contact point', { exact: true }).fill('Owen Owner, owner@paperlanterns.example');
  await form.getByRole('checkbox').first().check();
  await form.getByLabel('Contacts affected').fill('Lena');
  await form.getByRole('checkbox', { name: /Lena Buyer/ }).check();
  await screenshots(page, 'form');
  await form.getByRole('button', { name: 'Record incident' }).click();

  await page.getByRole('heading', { level: 2, name: 'Shared drive link leaked' }).waitFor();
  await expect.poll(() => page.getByTestId('incident-deadline').textContent()).toMatch(/Discovered 0 h ago — (71|72) h left to notify/);
  await page.getByRole('button', { name: 'Preview the notice' }).click();
  await page.getByText('Important: a personal data breach at Paper Lanterns').waitFor();
  await page.getByText(/posted in a public forum/).first().waitFor();
  await screenshots(page, 'preview');
  // The owner (every member) and the contact.
  await page.getByRole('button', { name: 'Send to 2 people' }).click();
  await page.getByText(/Sent to 2 people on/).waitFor();
  await expect.poll(() => page.getByTestId('incident-deadline').textContent()).toMatch(/Notified 2 people 0 h after discovery/);
  await screenshots(page, 'sent');
  const mail = await server.smtp.waitForMail(contactEmail, (m) => m.subject.includes('personal data breach'));
  expect(mail.text).toContain('Owen Owner');
  expect(problems).toEqual([]);
});

it('PRIV-7 a material policy change greets the person at sign-in until they acknowledge it', async () => {
  const owner = await ownerWithWorkspace(server, 'Policy Pottery');
  const effective = new Date(Date.now() + 35 * 86_400_000);
  await publishPolicy(server.services, { title: 'Privacy policy 2027', summary: 'Chat transcripts now go to an AI provider in the EU.', body: 'Full text of the new policy.\n\nSection 2: subprocessors.', material: true, effectiveAt: effective });
  const { page } = await openPage(browser, server.url, problems);
  const url = `/w/${owner.workspaceId}`;
  await signIn(page, owner.email, owner.password, url);
  const dialog = page.getByRole('dialog', { name: 'Our privacy policy is changing' });
  await dialog.waitFor();
  await dialog.getByText('Chat transcripts now go to an AI provider in the EU.').waitFor();
  await dialog.getByText('Read the new policy').click();
  await dialog.getByText(/Section 2: subprocessors/).waitFor();
  await screenshots(page, 'policy-notice');
  await dialog.getByRole('button', { name: 'I have read it' }).click();
  await dialog.waitFor({ state: 'hidden' });
  // Acknowledged: not shown again after a reload.
  await page.reload();
  await heading(page, /.+/);
  expect(await page.getByRole('dialog', { name: 'Our privacy policy is changing' }).isVisible()).toBe(false);
  expect((await owner.client.get('/api/auth/policy-notices')).json().notices).toEqual([]);
  expect(problems).toEqual([]);
});
