import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * The record page and the home page as people expect them: on a contact, the composer and
 * timeline are the main column with the properties beside them, edited in place; home is the
 * day's cockpit. Set SCREENSHOT_DIR to keep screenshots of each page at desktop and phone width.
 */

let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const newContext = (options: Parameters<Browser['newContext']>[0] = {}) => openPage(browser, server.url, problems, options);
const shots = process.env.SCREENSHOT_DIR;
const shoot = async (page: Page, name: string) => {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  // What a person sees first, without scrolling.
  await page.screenshot({ path: path.join(shots, `${name}-top.png`) });
};

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

const chicagoToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

it(
  'CRM-1 CRM-3 CRM-4 a contact opens on its composer and timeline with the properties beside them, a property is edited in place and a note added; home shows the day with the pipeline chart (CRM-3, AI-5)',
  async () => {
    const owner = await ownerWithWorkspace(server, 'Crumb & Co Bakery');
    const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
    const post = async (p: string, body: unknown) => {
      const res = await owner.client.post(api(p), body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const company = await post('/companies', { name: 'Sunrise Cafés', domain: 'sunrise.test', industry: 'Hospitality', size: '11-50', city: 'Austin', country: 'US' });
    const contact = await post('/contacts', { firstName: 'Maya', lastName: 'Ortiz', emails: ['maya@sunrise.test'], phones: ['+1 512 555 0134'], title: 'Buyer', companyId: company.id, source: 'Referral' });
    const deal = await post('/deals', { name: 'Weekly pastry order', amount: '1500', expectedCloseDate: chicagoToday(), contactId: contact.id });
    await post('/deals', { name: 'Catering for launch', amount: '4200.50', contactId: contact.id });
    await post('/activities', { kind: 'task', subject: 'Call Maya about the tasting', taskDueAt: new Date(Date.now() - 60_000).toISOString(), assigneeUserId: owner.userId, links: [{ recordType: 'contacts', recordId: contact.id }] });
    await post('/activities', { kind: 'call', callOutcome: 'connected', callDurationSeconds: 420, body: '<p>Wants croissants on Mondays.</p>', links: [{ recordType: 'contacts', recordId: contact.id }] });

    const home = `/w/${owner.workspaceId}`;
    const { page } = await newContext({ viewport: { width: 1280, height: 800 } });
    await signIn(page, owner.email, owner.password, `${home}/contacts/${contact.id}`);
    await heading(page, 'Maya Ortiz');

    // --- The composer is above the fold, the properties beside the timeline (CRM-4, CRM-1).
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const composerTabs = timeline.getByRole('tablist', { name: 'Add to the timeline' });
    const properties = page.getByRole('region', { name: 'Properties' });
    await composerTabs.waitFor();
    await timeline.getByText('Wants croissants on Mondays.').waitFor();
    const tabsBox = (await composerTabs.boundingBox())!;
    expect(tabsBox.y).toBeLessThan(800);
    const composerBox = (await timeline.getByRole('tabpanel').boundingBox())!;
    expect(composerBox.y).toBeLessThan(800);
    const propsBox = (await properties.boundingBox())!;
    const timelineBox = (await timeline.boundingBox())!;
    expect(propsBox.x + propsBox.width).toBeLessThanOrEqual(timelineBox.x);
    expect(propsBox.y).toBeLessThan(timelineBox.y + timelineBox.height);
    expect(timelineBox.y).toBeLessThan(propsBox.y + propsBox.height);
    await shoot(page, 'contact-1280');

    // --- Edit in place: click, type, Enter saves only that field.
    await properties.getByRole('button', { name: 'Edit Job title: Buyer' }).click();
    await properties.getByLabel('Job title').fill('Head of purchasing');
    await page.keyboard.press('Enter');
    await properties.getByRole('button', { name: 'Edit Job title: Head of purchasing' }).waitFor();
    await expect.poll(async () => (await owner.client.get(api(`/contacts/${contact.id}`))).json().title).toBe('Head of purchasing');
    // Focus returns to the field's button, so the keyboard carries on from where it was.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit Job title: Head of purchasing');

    // Escape puts it back without saving.
    await properties.getByRole('button', { name: 'Edit Source: Referral' }).click();
    await properties.getByLabel('Source').fill('Trade show');
    await page.keyboard.press('Escape');
    await properties.getByRole('button', { name: 'Edit Source: Referral' }).waitFor();
    expect((await owner.client.get(api(`/contacts/${contact.id}`))).json()).toMatchObject({ source: 'Referral', version: 2 });

    // A bad value is refused with a sentence at the field, which stays open.
    await properties.getByRole('button', { name: /^Edit Emails:/ }).click();
    await properties.getByLabel('Emails').fill('maya at sunrise');
    await page.keyboard.press('Enter');
    await properties.getByText('"maya at sunrise" does not look like an email address.').waitFor();
    expect(await properties.getByLabel('Emails').getAttribute('aria-invalid')).toBe('true');
    await page.keyboard.press('Escape');
    await properties.getByRole('button', { name: 'Edit Emails: maya@sunrise.test' }).waitFor();

    // A select saves as soon as a choice is made.
    await properties.getByRole('button', { name: 'Edit Lifecycle stage: Lead' }).click();
    await properties.getByLabel('Lifecycle stage').selectOption('prospect');
    await properties.getByRole('button', { name: 'Edit Lifecycle stage: Prospect' }).waitFor();
    await expect.poll(async () => (await owner.client.get(api(`/contacts/${contact.id}`))).json().lifecycle).toBe('prospect');
    // The summary follows.
    await page.locator('header', { has: page.getByRole('heading', { level: 1 }) }).getByText('Prospect', { exact: true }).waitFor();

    // From the keyboard: Enter opens the field, arrows step through the choices without saving each, Enter saves.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit Lifecycle stage: Prospect');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLSelectElement | null)?.name)).toBe('lifecycle');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await properties.getByLabel('Lifecycle stage').inputValue()).toBe('churned');
    expect((await owner.client.get(api(`/contacts/${contact.id}`))).json().lifecycle).toBe('prospect');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await properties.getByRole('button', { name: 'Edit Lifecycle stage: Customer' }).waitFor();
    await expect.poll(async () => (await owner.client.get(api(`/contacts/${contact.id}`))).json().lifecycle).toBe('customer');

    // --- A note from the header's quick action (CRM-4).
    await page.getByRole('group', { name: 'Quick actions' }).getByRole('button', { name: 'Add note' }).click();
    const note = timeline.getByRole('tabpanel').getByRole('textbox', { name: 'Note' });
    await expect.poll(() => note.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))).toBe(true);
    await note.fill('Tasting booked for Thursday.');
    await timeline.getByRole('button', { name: 'Add note' }).click();
    await timeline.getByRole('list', { name: 'Timeline, newest first' }).getByText('Tasting booked for Thursday.').waitFor();
    const items = (await owner.client.get(api(`/timeline?recordType=contacts&recordId=${contact.id}`))).json().items;
    expect(items.map((i: { kind: string }) => i.kind)).toEqual(['note', 'call', 'task']);

    // --- The company and the deal share the layout.
    await page.goto(`${home}/companies/${company.id}`);
    await heading(page, 'Sunrise Cafés');
    await page.getByRole('region', { name: 'Timeline' }).getByText('Tasting booked for Thursday.').waitFor();
    expect((await page.getByRole('region', { name: 'Timeline' }).getByRole('tablist').boundingBox())!.y).toBeLessThan(800);
    await shoot(page, 'company-1280');
    await page.goto(`${home}/deals/${deal.id}`);
    await heading(page, 'Weekly pastry order');
    await page.getByLabel('Stage in Sales').waitFor();
    expect((await page.getByRole('region', { name: 'Timeline' }).getByRole('tablist').boundingBox())!.y).toBeLessThan(800);
    await page.getByRole('region', { name: 'Properties' }).getByRole('button', { name: 'Edit Amount: 1500.00' }).click();
    await page.getByRole('region', { name: 'Properties' }).getByLabel('Amount').fill('1750');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await owner.client.get(api(`/deals/${deal.id}`))).json().amount).toBe('1750.00');
    await shoot(page, 'deal-1280');

    // --- Home: the day's cockpit (CRM-3, CRM-4, AI-5).
    await page.goto(home);
    const section = (name: string) => page.getByRole('region', { name });
    await section('Due today').getByText('Call Maya about the tasting').waitFor();
    await section('Due today').getByText(/Overdue/).waitFor();
    await section('Waiting for approval').getByText('No proposals waiting.', { exact: false }).waitFor();
    // Maya is a customer now: no new leads this week.
    await section('New leads').getByText('0 in the last 7 days').waitFor();
    await section('Closing this month').getByRole('link', { name: 'Weekly pastry order' }).waitFor();
    await section('Closing this month').getByText('$1,750').first().waitFor();
    await section('Recent activity').getByText('Tasting booked for Thursday.', { exact: false }).waitFor();
    const pipeline = section('Pipeline value by stage');
    await pipeline.getByText('$5,950.50 open in 2 deals').waitFor();
    // The chart draws a bar for Lead-in, where both open deals are.
    await pipeline.locator('[data-chart="pipeline"] .recharts-bar-rectangle path').first().waitFor();
    expect(await pipeline.getByRole('row', { name: /Lead-in/ }).textContent()).toContain('$5,950.50');
    await shoot(page, 'home-1280');

    // --- On a phone: one column, summary first, properties folded, then the timeline.
    const { page: phone } = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(phone, owner.email, owner.password, `${home}/contacts/${contact.id}`);
    await heading(phone, 'Maya Ortiz');
    const toggle = phone.getByRole('button', { name: 'Properties' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await phone.getByRole('region', { name: 'Timeline' }).getByText('Tasting booked for Thursday.').waitFor();
    expect(await phone.getByRole('button', { name: /^Edit Job title/ }).isVisible()).toBe(false);
    expect(await noSidewaysScroll(phone)).toBe(true);
    await shoot(phone, 'contact-390');
    await toggle.click();
    await phone.getByRole('button', { name: 'Edit Job title: Head of purchasing' }).waitFor();
    expect(await noSidewaysScroll(phone)).toBe(true);
    await shoot(phone, 'contact-390-properties');
    await phone.goto(`${home}/deals/${deal.id}`);
    await heading(phone, 'Weekly pastry order');
    expect(await noSidewaysScroll(phone)).toBe(true);
    await shoot(phone, 'deal-390');
    await phone.goto(`${home}/companies/${company.id}`);
    await heading(phone, 'Sunrise Cafés');
    expect(await noSidewaysScroll(phone)).toBe(true);
    await shoot(phone, 'company-390');
    await phone.goto(home);
    await phone.getByRole('region', { name: 'Pipeline value by stage' }).locator('[data-chart="pipeline"] svg').first().waitFor();
    expect(await noSidewaysScroll(phone)).toBe(true);
    await shoot(phone, 'home-390');

    expect(problems).toEqual([]);
  },
  240_000,
);
