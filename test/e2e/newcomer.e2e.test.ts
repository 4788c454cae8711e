import type { Browser, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { heading, openPage, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';
import { codeFrom, linkFrom, type ReceivedMail } from '../helpers/smtp-sink';

/**
 * What a newcomer does in a real browser, against a real server, database and SMTP sink:
 * sign up, set up the business, invite a teammate who joins with an emailed code, then check
 * the audit log and sessions. Role and label locators double as an accessibility check.
 */

let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const newContext = (options: Parameters<Browser['newContext']>[0] = {}) => openPage(browser, server.url, problems, { locale: 'en-IN', timezoneId: 'Asia/Kolkata', viewport: { width: 1280, height: 800 }, ...options });

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

/** E2E_VERBOSE=1 prints how long each stage took, to find what is slow on a given machine. */
let last = Date.now();
function stage(name: string): void {
  if (process.env.E2E_VERBOSE) console.log(`[e2e] ${name}: ${Date.now() - last} ms`);
  last = Date.now();
}

const isCodeMail = (m: ReceivedMail) => m.subject.includes('sign-in code');

/** Waits for the next sign-in code mail to `to` that was not seen before. */
async function nextCode(to: string, seen: Set<ReceivedMail>): Promise<string> {
  const mail = await server.smtp.waitForMail(to, (m) => isCodeMail(m) && !seen.has(m));
  seen.add(mail);
  return codeFrom(mail);
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in/);
  await heading(page, 'Sign in');
}

it(
  'AUTH-1 AUTH-2 AUTH-8 WS-1 WS-2 WS-4 AUTH-5 newcomer signs up, creates a workspace, invites a teammate who joins with an emailed code; owner sees both sign-ins in the audit log and sessions in settings',
  async () => {
    const stamp = Date.now().toString(36);
    const ownerEmail = `olivia.${stamp}@example.com`;
    const ownerPassword = 'correct horse battery';
    const mateEmail = `tom.${stamp}@example.com`;
    const seen = new Set<ReceivedMail>();

    // --- The owner signs up (AUTH-1), confirms 18+ (AUTH-8) and enters the emailed code (AUTH-2).
    last = Date.now();
    const { context: ownerContext, page: owner } = await newContext();
    await owner.goto('/');
    await owner.waitForURL(/\/sign-in/);
    await owner.getByRole('link', { name: 'Create an account' }).click();
    await heading(owner, 'Create your account');
    await owner.getByLabel('Your name').fill('Olivia Owner');
    await owner.getByLabel('Email').fill(ownerEmail);
    await owner.getByLabel('Password', { exact: true }).fill(ownerPassword);
    // Without the 18+ confirmation the form says why and does not submit.
    await owner.getByRole('button', { name: 'Create account' }).click();
    await owner.getByText('Kestrel is for people 18 and over; please confirm.').waitFor();
    expect(await owner.getByLabel('I am 18 or older').evaluate((el) => el === document.activeElement)).toBe(true);
    await owner.getByLabel('I am 18 or older').check();
    await owner.getByRole('button', { name: 'Create account' }).click();
    await heading(owner, 'Check your email');
    await owner.getByLabel('6-digit code').fill(await nextCode(ownerEmail, seen));
    await owner.getByRole('button', { name: 'Continue' }).click();

    stage('signed up');
    // --- No workspace yet: onboarding with the business profile and territory (WS-1).
    await owner.waitForURL(/\/onboarding$/);
    await heading(owner, 'Set up your business');
    expect(await owner.getByLabel('Time zone').inputValue()).toBe('Asia/Kolkata');
    await owner.getByLabel('Business name').fill('Teal Smiles Dental');
    await owner.getByLabel('Category').fill('Dental clinic');
    await owner.getByLabel('Country').selectOption('IN');
    expect(await owner.getByLabel('Currency').inputValue()).toBe('INR');
    await owner.getByLabel('Tax ID').fill('29ABCDE1234F1Z5');
    await owner.getByLabel('State or province').fill('Karnataka');
    await owner.getByLabel('Address line 1').fill('12 MG Road');
    await owner.getByLabel(/^City/).fill('Bengaluru');
    await owner.getByLabel('Postal code').fill('560001');
    await owner.getByRole('button', { name: 'Copy the business address' }).click();
    await owner.getByLabel('Territory zip codes').fill('560001, 560002, 560025');
    await owner.getByLabel('Territory cities').fill('Bengaluru, Mysuru');
    await owner.getByLabel('Territory states').fill('Karnataka');
    await owner.getByRole('button', { name: 'Create workspace' }).click();
    await owner.waitForURL(/\/w\/[0-9a-f-]{36}$/);
    const workspaceId = /\/w\/([0-9a-f-]{36})/.exec(owner.url())![1]!;
    await heading(owner, 'Welcome, Olivia');
    await owner.getByText('Your contacts, companies and deals will live here').waitFor();
    await owner.getByRole('button', { name: /Workspace: Teal Smiles Dental/ }).waitFor();

    stage('onboarded');
    // The business profile was stored as entered.
    await owner.getByRole('link', { name: 'Review business profile' }).click();
    await heading(owner, 'Business profile');
    expect(await owner.getByLabel('Tax ID').inputValue()).toBe('29ABCDE1234F1Z5');
    expect(await owner.getByLabel('Territory zip codes').inputValue()).toBe('560001, 560002, 560025');
    expect(await owner.getByLabel('Mailing address').inputValue()).toContain('12 MG Road');

    stage('business profile checked');
    // --- Invite a teammate (WS-2).
    await owner.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Team' }).click();
    await heading(owner, 'Team');
    await owner.getByRole('list', { name: 'Members' }).getByText(ownerEmail).waitFor();
    await owner.getByText('No pending invitations').waitFor();
    await owner.getByLabel('Email address').fill(mateEmail);
    await owner.getByLabel('Role', { exact: true }).selectOption('staff');
    await owner.getByRole('button', { name: 'Send invitation' }).click();
    await owner.getByRole('status').filter({ hasText: `Invitation sent to ${mateEmail}.` }).waitFor();
    await owner.getByRole('list', { name: 'Pending invitations' }).getByText(mateEmail).waitFor();

    const invitationMail = await server.smtp.waitForMail(mateEmail, (m) => m.subject.includes('invited you'));
    expect(invitationMail.subject).toBe('Olivia Owner invited you to Teal Smiles Dental on Kestrel');
    const invitationLink = linkFrom(invitationMail, '/invite/');

    stage('invited');
    // --- The teammate opens the link in another browser, asks for a code, enters it and lands in the workspace.
    const { context: mateContext, page: mate } = await newContext();
    await mate.goto(invitationLink);
    await heading(mate, 'Join Teal Smiles Dental');
    await mate.getByText('Olivia Owner', { exact: true }).waitFor();
    await mate.getByLabel('Your name').fill('Tom Teammate');
    await mate.getByLabel('I am 18 or older').check();
    await mate.getByRole('button', { name: 'Email me a code' }).click();
    await heading(mate, 'Check your email');
    await mate.getByLabel('6-digit code').fill(await nextCode(mateEmail, seen));
    await mate.getByRole('button', { name: 'Continue' }).click();
    await mate.waitForURL(new RegExp(`/w/${workspaceId}$`));
    await heading(mate, 'Welcome, Tom');
    // Staff see no owner/admin-only settings.
    await mate.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await heading(mate, 'Your profile');
    expect(await mate.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).count()).toBe(0);

    stage('teammate joined');
    // Sign-ins are account events; a workspace sees those of its members. The teammate signs in
    // again, now as a member, with an emailed code from the sign-in page.
    await signOut(mate);
    await mate.getByRole('tab', { name: 'With an emailed code' }).click();
    await mate.getByLabel('Email', { exact: true }).fill(mateEmail);
    await mate.getByRole('button', { name: 'Email me a code' }).click();
    await heading(mate, 'Enter your sign-in code');
    await mate.getByLabel('6-digit code').fill(await nextCode(mateEmail, seen));
    await mate.getByRole('button', { name: 'Continue' }).click();
    await mate.waitForURL(new RegExp(`/w/${workspaceId}$`));
    await heading(mate, 'Welcome, Tom');

    stage('teammate signed in again');
    // --- Back as the owner, now on a phone (390 px): sign in with the password. The side
    // navigation folds into a menu button, which must work.
    const { context: phoneContext, page: phone } = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.goto(`/w/${workspaceId}/settings/team`);
    await phone.waitForURL(/\/sign-in\?redirect=/);
    await heading(phone, 'Sign in');
    await phone.getByLabel('Email', { exact: true }).fill(ownerEmail);
    await phone.getByLabel('Password', { exact: true }).fill(ownerPassword);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    // Back where the sign-in interrupted: the team shows the new member and no pending invitation.
    await phone.waitForURL(new RegExp(`/w/${workspaceId}/settings/team$`));
    await heading(phone, 'Team');
    await phone.getByRole('list', { name: 'Members' }).getByText(mateEmail).waitFor();
    await phone.getByText('No pending invitations').waitFor();
    const mainNav = phone.getByRole('navigation', { name: 'Main' });
    const menuButton = phone.getByRole('button', { name: 'Menu', exact: true });
    expect(await mainNav.isVisible()).toBe(false);
    expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
    await menuButton.click();
    expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
    await mainNav.getByRole('link', { name: 'Home' }).click();
    await phone.waitForURL(new RegExp(`/w/${workspaceId}$`));
    await heading(phone, 'Welcome, Olivia');
    expect(await mainNav.isVisible()).toBe(false);
    // Nothing scrolls sideways at this width.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await menuButton.click();
    await mainNav.getByRole('link', { name: 'Settings' }).click();
    await heading(phone, 'Your profile');

    stage('owner signed in on a phone');
    // The audit log (WS-4) shows both people's sign-ins, with the action filter and its table.
    await phone.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).click();
    await heading(phone, 'Audit log');
    const rows = phone.getByRole('table').getByRole('row');
    await rows.filter({ hasText: 'member.joined' }).filter({ hasText: mateEmail }).waitFor();
    await phone.getByLabel('Filter by action').fill('auth.sign_in');
    await phone.getByRole('button', { name: 'Filter' }).click();
    await phone.getByRole('table', { name: /for auth\.sign_in/ }).waitFor();
    await rows.filter({ hasText: 'auth.sign_in' }).filter({ hasText: ownerEmail }).first().waitFor();
    await rows.filter({ hasText: 'auth.sign_in' }).filter({ hasText: mateEmail }).first().waitFor();
    expect(await rows.filter({ hasText: 'member.joined' }).count()).toBe(0);

    stage('audit log');
    // Sessions (AUTH-5): the owner's two browsers are listed; this one is marked.
    await phone.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Sessions' }).click();
    await heading(phone, 'Sessions');
    const sessions = phone.getByRole('list', { name: 'Active sessions' }).getByRole('listitem');
    await sessions.filter({ hasText: 'This device' }).getByRole('button', { name: 'Sign out this device' }).waitFor();
    expect(await sessions.count()).toBe(2);
    expect(await sessions.filter({ hasText: 'This device' }).count()).toBe(1);
    await sessions.filter({ hasNotText: 'This device' }).getByRole('button', { name: /^Sign out Chrome on/ }).waitFor();

    stage('sessions');
    expect(problems).toEqual([]);
    await Promise.all([ownerContext.close(), mateContext.close(), phoneContext.close()]);
  },
  // Typically well under a minute; the ceiling is for slow, shared machines.
  240_000,
);
