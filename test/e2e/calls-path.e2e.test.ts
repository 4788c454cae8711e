import type { Browser } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { addMember, ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * Issue 17's call path in a real browser: a staff member opens today's call list; only contacts
 * whose local time is 08:00–21:00 and who are not on a do-not-call list are offered, the others
 * are listed with why; they log an outcome and duration, which land on the timeline; a contact
 * who says "don't call me" is on the internal list at once.
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = process.env.CALLS_SCREENSHOTS ?? '';

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

/** A fixed-offset IANA zone in which it is now `hour` o'clock (Etc/GMT signs are inverted). */
function zoneAtLocalHour(hour: number): string {
  let offset = (hour - new Date().getUTCHours() + 24) % 24;
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

it('CALL-1 CALL-2 CALL-3 a staff member works through today\'s call list: only callable contacts offered, outcome and duration logged, "don\'t call me" honoured at once', async () => {
  const owner = await ownerWithWorkspace(server, 'Dialtone Bakery');
  const staff = await addMember(server, owner, 'staff');
  const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
  const open = zoneAtLocalHour(14);
  const night = zoneAtLocalHour(3);
  const make = async (firstName: string, lastName: string, phone: string, timeZone: string, score: number) => {
    const res = await owner.client.post(api('/contacts'), { firstName, lastName, phones: [phone], timeZone });
    expect(res.statusCode, res.body).toBe(201);
    await server.services.database.systemPool.query('UPDATE contacts SET score = $2 WHERE id = $1', [res.json().id, score]);
    return res.json().id as string;
  };
  const olivia = await make('Olivia', 'Open', '+1 212 555 0101', open, 30);
  await make('Nate', 'Night', '+1 212 555 0102', night, 40);
  await make('Dora', 'Listed', '+1 212 555 0103', open, 50);
  await make('Sam', 'Second', '+1 212 555 0104', open, 10);
  expect((await owner.client.post(api('/calls/do-not-call'), { number: '+1 212 555 0103', reason: 'Registered complaint' })).statusCode).toBe(201);

  const { page } = await openPage(browser, server.url, problems);
  const calls = `/w/${owner.workspaceId}/calls`;
  await signIn(page, staff.email, staff.password, calls);
  await heading(page, 'Calls');
  const queue = page.getByRole('list', { name: 'Contacts to call' });
  await queue.waitFor();
  await expect.poll(() => queue.getByRole('listitem').allTextContents()).toHaveLength(2);
  const offered = await queue.getByRole('listitem').allTextContents();
  expect(offered[0]).toContain('Olivia Open');
  expect(offered[0]).toContain('their time');
  expect(offered[0]).toContain(open);
  expect(offered[1]).toContain('Sam Second');
  await expect(queue.getByRole('link', { name: 'Call Olivia Open at +12125550101' }).getAttribute('href')).resolves.toBe('tel:+12125550101');
  const why = page.getByRole('region', { name: 'Why not offered' });
  await why.getByText('Nate Night').waitFor();
  // CALL-3: one notice above the list says calling hours and when they open; the row is short.
  await expect(page.getByTestId('outside-hours-notice').textContent()).resolves.toMatch(/1 contact is outside calling hours \(08:00–21:00 in their own time zone\)\. Calling opens again .*08:00/);
  await expect(why.getByRole('listitem').filter({ hasText: 'Nate Night' }).textContent()).resolves.toMatch(/Opens \w+ 08:00 their time\./);
  await expect(why.textContent()).resolves.not.toContain('Outside calling hours (08:00–21:00)');
  await expect(why.textContent()).resolves.toContain('Registered complaint');

  // Keyboard: next and previous.
  await page.keyboard.press('j');
  await expect.poll(() => queue.locator('[aria-current="true"]').textContent()).toContain('Sam Second');
  await page.keyboard.press('k');
  await expect.poll(() => queue.locator('[aria-current="true"]').textContent()).toContain('Olivia Open');
  if (shots) await page.screenshot({ path: `${shots}/calls-1280.png`, fullPage: true });

  // Log Olivia's call with a follow-up.
  await page.keyboard.press('l');
  const dialog = page.getByRole('dialog', { name: 'Log call with Olivia Open' });
  await dialog.waitFor();
  await dialog.getByLabel('Outcome').selectOption('connected');
  await dialog.getByLabel('Minutes').fill('3');
  await dialog.getByLabel('Seconds').fill('20');
  await dialog.getByLabel('Notes').fill('Wants sourdough for the café.');
  await dialog.getByLabel('Add a follow-up task').check();
  if (shots) await page.screenshot({ path: `${shots}/log-call-1280.png` });
  await dialog.getByRole('button', { name: 'Log call' }).click();
  await page.getByText('Call with Olivia Open logged, with a follow-up task.').waitFor();
  const timeline = (await owner.client.get(api(`/timeline?recordType=contacts&recordId=${olivia}`))).json().items as { kind: string; callOutcome: string | null; callDurationSeconds: number | null; body: string | null; subject: string | null }[];
  expect(timeline.find((i) => i.kind === 'call')).toMatchObject({ callOutcome: 'connected', callDurationSeconds: 200 });
  expect(timeline.find((i) => i.kind === 'task')).toMatchObject({ subject: 'Follow up with Olivia Open' });

  // Sam says "don't call me".
  await queue.getByRole('listitem').filter({ hasText: 'Sam Second' }).getByRole('button', { name: 'Log call' }).click();
  const samDialog = page.getByRole('dialog', { name: 'Log call with Sam Second' });
  await samDialog.getByLabel('Outcome').selectOption('do_not_call');
  await samDialog.getByRole('button', { name: 'Log call' }).click();
  await page.getByText('Sam Second is on the do-not-call list now.').waitFor();
  await why.getByText('Sam Second').waitFor();
  await expect.poll(() => queue.getByRole('listitem').allTextContents()).toHaveLength(1);
  await expect(why.textContent()).resolves.toContain('the contact asked not to be called');

  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/calls-390.png`, fullPage: true });

  // Olivia's page: the call is on her timeline; later she asks not to be called, with one click.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/w/${owner.workspaceId}/contacts/${olivia}`);
  await heading(page, 'Olivia Open');
  await page.getByText('Call · Connected · 3 min 20 s').first().waitFor();
  await page.getByRole('button', { name: 'Do not call' }).click();
  await page.getByText('On the do-not-call list: Asked not to be called').waitFor();
  if (shots) await page.screenshot({ path: `${shots}/contact-1280.png`, fullPage: true });

  // The do-not-call page shows both requests with their source.
  await page.goto(calls);
  await heading(page, 'Calls');
  await page.getByRole('link', { name: 'Do-not-call list' }).click();
  await heading(page, 'Do-not-call list');
  const row = page.getByRole('listitem').filter({ hasText: '+12125550104' });
  await row.waitFor();
  await expect(row.textContent()).resolves.toContain('Contact asked');
  await page.getByRole('listitem').filter({ hasText: '+12125550101' }).waitFor();
  if (shots) await page.screenshot({ path: `${shots}/dnc-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/dnc-390.png`, fullPage: true });

  // An owner imports a registry file from the same page and watches it finish.
  const ownerPage = (await openPage(browser, server.url, problems)).page;
  const dncPath = `/w/${owner.workspaceId}/calls/do-not-call`;
  await signIn(ownerPage, owner.email, owner.password, dncPath);
  await heading(ownerPage, 'Do-not-call list');
  await ownerPage.getByLabel('File', { exact: true }).setInputFiles({ name: 'dnc-201.txt', mimeType: 'text/plain', buffer: Buffer.from('2015550142\n201,5550143\nnot a number\n') });
  await ownerPage.getByRole('button', { name: 'Import' }).click();
  await ownerPage.getByText('3 lines read · 2 added · 1 not numbers').waitFor();
  await ownerPage.getByRole('listitem').filter({ hasText: '+12015550143' }).getByText('National registry').waitFor();
  if (shots) await ownerPage.screenshot({ path: `${shots}/dnc-import-1280.png`, fullPage: true });
  expect(problems).toEqual([]);
}, 240_000);

it('CALL-1 a call script chosen for the list shows beside the contact being called, filled in for them; one call can use another script; a script is written on the Templates page', async () => {
  const owner = await ownerWithWorkspace(server, 'Scripted Bakery');
  const staff = await addMember(server, owner, 'staff');
  const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
  const open = zoneAtLocalHour(14);
  const ids: Record<string, string> = {};
  for (const [firstName, lastName, phone, title, score] of [['Rosa', 'Rye', '+1 212 555 0201', 'Head Baker', 30], ['Tom', 'Toast', '+1 212 555 0202', null, 20]] as const) {
    const res = await owner.client.post(api('/contacts'), { firstName, lastName, phones: [phone], timeZone: open, ...(title ? { title } : {}) });
    expect(res.statusCode, res.body).toBe(201);
    ids[firstName] = res.json().id as string;
    await server.services.database.systemPool.query('UPDATE contacts SET score = $2 WHERE id = $1', [res.json().id, score]);
  }
  const made = await owner.client.post(api('/outreach/templates'), { kind: 'call_script', name: 'Opener', subject: 'Opener', html: '<p>Hi {{contact.firstName | "there"}}, {{sender.name}} from {{workspace.name}} here.</p><p>As {{contact.title}}, do you buy rye flour?</p>' });
  expect(made.statusCode, made.body).toBe(201);

  // A staff member writes a second script on the Templates page.
  const { page } = await openPage(browser, server.url, problems);
  await signIn(page, staff.email, staff.password, `/w/${owner.workspaceId}/templates`);
  await heading(page, 'Email templates');
  await page.getByRole('region', { name: 'Call scripts' }).getByText('Opener').waitFor();
  await page.getByRole('button', { name: 'New template' }).click();
  await page.getByRole('radio', { name: 'Call script' }).check();
  await page.getByLabel('Name').fill('Follow-up');
  await page.getByLabel('Body').fill('<p>Hello again {{contact.firstName}}, did the samples arrive?</p>');
  await page.getByRole('button', { name: 'Save call script' }).click();
  await page.getByText('"Follow-up" is saved.').waitFor();
  await page.getByRole('region', { name: 'Call scripts' }).getByText('Follow-up').waitFor();
  if (shots) await page.screenshot({ path: `${shots}/templates-script-1280.png`, fullPage: true });

  await page.goto(`/w/${owner.workspaceId}/calls`);
  await heading(page, 'Calls');
  const queue = page.getByRole('list', { name: 'Contacts to call' });
  await expect.poll(() => queue.getByRole('listitem').allTextContents()).toHaveLength(2);
  await page.getByRole('combobox', { name: 'Call script' }).selectOption({ label: 'Opener' });
  const script = queue.getByTestId('call-script');
  await expect.poll(() => script.textContent()).toContain('Hi Rosa, staff person from Scripted Bakery here.');
  await expect(script.textContent()).resolves.toContain('As Head Baker, do you buy rye flour?');
  if (shots) await page.screenshot({ path: `${shots}/calls-script-1280.png`, fullPage: true });

  // The next contact: their own values; the one they lack is named.
  await queue.getByRole('listitem').first().focus();
  await page.keyboard.press('j');
  await expect.poll(() => script.textContent()).toContain('Hi Tom, staff person from Scripted Bakery here.');
  await expect(script.textContent()).resolves.toContain('No value for {{contact.title}}');
  // This call alone uses the other script; the list keeps its own.
  await script.getByLabel('Script for this call').selectOption({ label: 'Follow-up' });
  await expect.poll(() => script.textContent()).toContain('Hello again Tom, did the samples arrive?');
  await expect(page.getByRole('combobox', { name: 'Call script' }).inputValue()).resolves.toBe(made.json().id);

  // The choice stays with the list after a reload.
  await page.reload();
  await heading(page, 'Calls');
  await expect.poll(() => queue.getByTestId('call-script').textContent()).toContain('Hi Rosa');
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/calls-script-390.png`, fullPage: true });

  // A call logged with the list's script on screen records it; the timeline entry names it.
  await page.setViewportSize({ width: 1280, height: 900 });
  const dialog = page.getByRole('dialog', { name: 'Log call with Tom Toast' });
  const logTom = queue.getByRole('listitem').filter({ hasText: 'Tom Toast' }).getByRole('button', { name: 'Log call' });
  // The click can land while the page lays itself out again at the new width: clicked again until the dialog is open.
  await vi.waitFor(
    async () => {
      if (!(await dialog.isVisible())) await logTom.click();
      await dialog.getByText('Script used: Opener').waitFor({ timeout: 2000 });
    },
    { timeout: 20_000, interval: 100 },
  );
  if (shots) await page.screenshot({ path: `${shots}/log-call-script-1280.png` });
  await dialog.getByRole('button', { name: 'Log call' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.goto(`/w/${owner.workspaceId}/contacts/${ids.Tom}`);
  await heading(page, 'Tom Toast');
  await page.getByText('Call · Connected · 0 s · script “Opener”').first().waitFor();
  if (shots) await page.screenshot({ path: `${shots}/contact-script-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/contact-script-390.png`, fullPage: true });
  expect(problems).toEqual([]);
}, 240_000);
