import type { Browser, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * What a salesperson does with records in a real browser, against a real server and database:
 * add a company and a contact, edit and tag the contact, survive a colleague's concurrent edit,
 * create a deal and drag it across the board — then do the same on a phone.
 */

let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const newContext = (options: Parameters<Browser['newContext']>[0] = {}) => openPage(browser, server.url, problems, options);

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it(
  'CRM-1 CRM-2 CRM-3 CRM-5 CRM-6 a person adds a company and a contact, edits and tags the contact, keeps both edits when a colleague saved first, creates a deal and drags it from Qualified to Proposal on the board; on a phone the record and board fit and a deal moves with the Move menu',
  async () => {
    const owner = await ownerWithWorkspace(server, 'Babbage Works');
    const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
    const home = `/w/${owner.workspaceId}`;
    const { page } = await newContext();
    await signIn(page, owner.email, owner.password, home);

    // --- An empty workspace invites the first records (CRM-2: a company first).
    await page.getByText('Your contacts, companies and deals will live here').waitFor();
    await page.getByRole('button', { name: 'Add company' }).click();
    const companyDialog = page.getByRole('dialog', { name: 'Add a company' });
    // Escape closes a dialog without creating anything.
    await page.keyboard.press('Escape');
    await companyDialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Add company' }).click();
    // Required name: the form says so at the field and does not send.
    await companyDialog.getByRole('button', { name: 'Create company' }).click();
    await companyDialog.getByText('Name is required.').waitFor();
    await companyDialog.getByLabel('Name').fill('Analytical Engines');
    await companyDialog.getByLabel('Website or domain').fill('https://www.Analytical.test/about');
    await companyDialog.getByRole('button', { name: 'Create company' }).click();
    await heading(page, 'Analytical Engines');
    const companyId = /\/companies\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await page.getByRole('link', { name: 'analytical.test' }).waitFor();

    // --- A contact from the company's page is linked to it (CRM-1).
    await page.getByRole('button', { name: '+ Add contact' }).click();
    const contactDialog = page.getByRole('dialog', { name: 'Add a contact' });
    await contactDialog.getByLabel('First name').fill('Ada');
    await contactDialog.getByLabel('Last name').fill('Lovelace');
    await contactDialog.getByLabel('Email').fill('not-an-email');
    await contactDialog.getByRole('button', { name: 'Create contact' }).click();
    await contactDialog.getByText('Enter an email address like name@example.com.').waitFor();
    await contactDialog.getByLabel('Email').fill('Ada@Analytical.test');
    await contactDialog.getByRole('button', { name: 'Create contact' }).click();
    await heading(page, 'Ada Lovelace');
    const contactId = /\/contacts\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const related = page.getByRole('complementary', { name: 'Related' });
    await related.getByRole('link', { name: 'Analytical Engines' }).waitFor();
    let contact = (await owner.client.get(api(`/contacts/${contactId}`))).json();
    expect(contact).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@analytical.test', companyId, ownerUserId: owner.userId, lifecycle: 'lead' });

    // --- Edit fields in place (CRM-1): each saves on its own; the server's answer is what the page shows.
    const properties = page.getByRole('region', { name: 'Properties' });
    await properties.getByRole('button', { name: /^Edit Job title/ }).click();
    await properties.getByLabel('Job title').fill('Founder');
    await page.keyboard.press('Enter');
    await properties.getByRole('button', { name: 'Edit Job title: Founder' }).waitFor();
    await properties.getByRole('button', { name: 'Edit Lifecycle stage: Lead' }).click();
    await properties.getByLabel('Lifecycle stage').selectOption('prospect');
    await properties.getByRole('button', { name: 'Edit Lifecycle stage: Prospect' }).waitFor();
    await expect.poll(async () => (await owner.client.get(api(`/contacts/${contactId}`))).json()).toMatchObject({ title: 'Founder', lifecycle: 'prospect', version: 3 });
    contact = (await owner.client.get(api(`/contacts/${contactId}`))).json();

    // --- Tags (CRM-5): a new tag is created and put on the contact.
    await related.getByLabel('Add a tag').fill('VIP');
    await related.getByRole('button', { name: 'Add', exact: true }).click();
    await related.getByRole('list', { name: 'Tags' }).getByText('VIP').waitFor();
    contact = (await owner.client.get(api(`/contacts/${contactId}`))).json();
    expect(contact.tags.map((t: { name: string }) => t.name)).toEqual(['VIP']);

    // --- A colleague saves first (CRM-1 concurrent edits): the page shows both, and reapplying keeps both.
    await properties.getByRole('button', { name: /^Edit Source/ }).click();
    await properties.getByLabel('Source').fill('Conference');
    const theirs = await owner.client.patch(api(`/contacts/${contactId}`), { version: contact.version, city: 'London' });
    expect(theirs.statusCode).toBe(200);
    await page.keyboard.press('Enter');
    const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed this contact' });
    await conflict.waitFor();
    await conflict.getByRole('row', { name: /City/ }).getByText('London').waitFor();
    await conflict.getByRole('row', { name: /Source/ }).getByText('Conference').waitFor();
    await conflict.getByRole('button', { name: 'Reapply my changes' }).click();
    await conflict.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await owner.client.get(api(`/contacts/${contactId}`))).json()).toMatchObject({ city: 'London', source: 'Conference', title: 'Founder' });
    await properties.getByRole('button', { name: 'Edit City: London' }).waitFor();
    await properties.getByRole('button', { name: 'Edit Source: Conference' }).waitFor();

    // --- A deal for the contact, started in Qualified (CRM-3).
    await related.getByRole('button', { name: '+ Add deal' }).click();
    const dealDialog = page.getByRole('dialog', { name: 'Add a deal' });
    await dealDialog.getByLabel('Stage').selectOption({ label: 'Qualified' });
    await dealDialog.getByLabel('Name').fill('Difference engine order');
    await dealDialog.getByLabel('Amount').fill('5000');
    await dealDialog.getByRole('button', { name: 'Create deal' }).click();
    await heading(page, 'Difference engine order');
    const dealId = /\/deals\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    let deal = (await owner.client.get(api(`/deals/${dealId}`))).json();
    expect(deal).toMatchObject({ stage: { name: 'Qualified' }, amount: '5000.00', currency: 'USD', contactId, companyId });

    // --- The board: drag the card from Qualified to Proposal.
    await page.getByRole('link', { name: 'Open the board' }).click();
    await heading(page, 'Deals board');
    const column = (name: string) => page.locator(`[data-stage="${name}"]`);
    const card = (name: string) => column(name).locator(`[data-deal-card="${dealId}"]`);
    await card('Qualified').waitFor();
    await column('Qualified').getByText('$5,000').first().waitFor();
    await card('Qualified').dragTo(column('Proposal'));
    await card('Proposal').waitFor();
    await expect.poll(async () => (await owner.client.get(api(`/deals/${dealId}`))).json().stage.name).toBe('Proposal');
    // The column totals follow the card.
    await column('Proposal').getByRole('heading', { name: /Proposal\s*1 deal/ }).waitFor();
    await column('Qualified').getByRole('heading', { name: /Qualified\s*0 deals/ }).waitFor();

    // By keyboard: focus the card, arrow right moves it to the next stage.
    await card('Proposal').focus();
    await page.keyboard.press('ArrowRight');
    await card('Negotiation').waitFor();
    await expect.poll(async () => (await owner.client.get(api(`/deals/${dealId}`))).json().stage.name).toBe('Negotiation');

    // --- On a phone: the contact page and the board fit the width; the Move menu moves a deal.
    const { page: phone } = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(phone, owner.email, owner.password, `${home}/contacts/${contactId}`);
    await heading(phone, 'Ada Lovelace');
    await phone.getByRole('list', { name: 'Tags' }).getByText('VIP').waitFor();
    expect(await noSidewaysScroll(phone)).toBe(true);
    await phone.goto(`${home}/deals/board`);
    await heading(phone, 'Deals board');
    await phone.locator(`[data-stage="Negotiation"] [data-deal-card="${dealId}"]`).waitFor();
    expect(await noSidewaysScroll(phone)).toBe(true);
    // The stages scroll sideways inside their own region instead.
    expect(await phone.getByRole('region', { name: 'Sales stages' }).evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await phone.getByRole('button', { name: 'Move Difference engine order to another stage' }).click();
    await phone.getByRole('group', { name: 'Move Difference engine order to' }).getByRole('button', { name: 'Won' }).click();
    await phone.locator(`[data-stage="Won"] [data-deal-card="${dealId}"]`).waitFor();
    await expect.poll(async () => (await owner.client.get(api(`/deals/${dealId}`))).json()).toMatchObject({ status: 'won', stage: { name: 'Won' } });
    deal = (await owner.client.get(api(`/deals/${dealId}`))).json();
    expect(deal.closedAt).not.toBeNull();

    expect(problems).toEqual([]);
  },
  240_000,
);
