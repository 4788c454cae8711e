/**
 * AUTH-9: the transactional emails. Each template returns subject, text and HTML; values are
 * escaped for HTML. Plain, readable, no tracking.
 */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

function layout(paragraphs: string[], action?: { label: string; url: string }, links: { label: string; url: string }[] = []): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`).join('');
  const button = action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:#0f766e;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p><p style="font-size:12px;color:#555">Or paste this address into your browser: ${escapeHtml(action.url)}</p>`
    : '';
  const more = links.map((l) => `<p style="margin:0 0 8px"><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a></p>`).join('');
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;max-width:560px;margin:auto;padding:24px">${body}${button}${more}<p style="font-size:12px;color:#777;margin-top:32px">Kestrel</p></body></html>`;
}

/** A plain message in Kestrel's look: paragraphs (escaped), an optional button and further links. */
export function renderMail(subject: string, paragraphs: string[], action?: { label: string; url: string }, links: { label: string; url: string }[] = []): RenderedMail {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : []), ...links.map((l) => `${l.label}: ${l.url}`), '— Kestrel'].join('\n\n');
  return { subject, text, html: layout(paragraphs, action, links) };
}
const mail = renderMail;

export const templates = {
  welcome: (v: { name: string; appUrl: string }) =>
    mail('Welcome to Kestrel', [`Hi ${v.name},`, 'Your Kestrel account is ready. Sign in any time to pick up where you left off.'], { label: 'Open Kestrel', url: v.appUrl }),

  signInCode: (v: { code: string; minutes: number }) =>
    mail(`Your Kestrel sign-in code: ${v.code}`, [
      `Your sign-in code is ${v.code}.`,
      `It works once and expires in ${v.minutes} minutes. If you did not ask for it, you can ignore this email.`,
    ]),

  passwordReset: (v: { url: string; minutes: number }) =>
    mail(
      'Reset your Kestrel password',
      [
        'Someone (hopefully you) asked to reset the password of your Kestrel account.',
        `The link works once and expires in ${v.minutes} minutes. Resetting signs you out everywhere. If you did not ask, ignore this email: your password stays as it is.`,
      ],
      { label: 'Choose a new password', url: v.url },
    ),

  accountExists: (v: { signInUrl: string; resetUrl: string }) =>
    mail(
      'Someone tried to sign up with your email',
      [
        'Someone tried to create a Kestrel account with this email address, but you already have one.',
        'If it was you, sign in instead, or reset your password if you forgot it. If it was not you, no action is needed.',
      ],
      { label: 'Sign in', url: v.signInUrl },
    ),

  invitation: (v: { inviterName: string; workspaceName: string; role: string; url: string; days: number }) =>
    mail(
      `${v.inviterName} invited you to ${v.workspaceName} on Kestrel`,
      [`${v.inviterName} invited you to join ${v.workspaceName} on Kestrel as ${v.role}.`, `The invitation expires in ${v.days} days.`],
      { label: 'Accept the invitation', url: v.url },
    ),

  purchaseConfirmation: (v: { name: string; item: string; amount: string }) =>
    mail('Your Kestrel purchase', [`Hi ${v.name},`, `Thank you: we received your payment of ${v.amount} for ${v.item}.`]),

  policyChange: (v: { name: string; summary: string; effectiveDate: string; url: string }) =>
    mail(
      'Changes to our privacy policy',
      [`Hi ${v.name},`, `We are changing our privacy policy, effective ${v.effectiveDate}.`, v.summary],
      { label: 'Read the new policy', url: v.url },
    ),

  twoFactorChanged: (v: { enabled: boolean }) =>
    mail(`Two-factor authentication ${v.enabled ? 'turned on' : 'turned off'}`, [
      `Two-factor authentication was ${v.enabled ? 'turned on' : 'turned off'} for your Kestrel account.`,
      'If this was not you, reset your password now.',
    ]),

  /** CRM-4: a task's reminder to its assignee. */
  taskReminder: (v: { name: string; title: string; due: string | null; workspaceName: string; url: string }) =>
    mail(
      `Reminder: ${v.title}`,
      [`Hi ${v.name},`, `A reminder about your task in ${v.workspaceName}: ${v.title}.`, v.due ? `It is due ${v.due}.` : 'It has no due date.'],
      { label: 'Open the task', url: v.url },
    ),

  /**
   * AI-5, AI-7: a sales email a person approved (or an agent on autopilot sent), written as
   * plain paragraphs. It is the business's message, so it carries their name, not Kestrel's.
   */
  salesEmail: (v: { subject: string; body: string; senderName: string; workspaceName: string }) => {
    const paragraphs = v.body.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
    const signature = `${v.senderName} · ${v.workspaceName}`;
    const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;max-width:600px;padding:16px">${paragraphs
      .map((p) => `<p style="margin:0 0 14px">${escapeHtml(p).replaceAll('\n', '<br>')}</p>`)
      .join('')}<p style="font-size:13px;color:#555;margin-top:24px">${escapeHtml(signature)}</p></body></html>`;
    return { subject: v.subject, text: `${paragraphs.join('\n\n')}\n\n${signature}`, html };
  },

  /**
   * AI-2: Strategist's weekly brief, to a workspace's owners and admins. The model's text is
   * sent as written (escaped in the HTML), with a link to the run for the records it cites.
   */
  weeklyBrief: (v: { name: string; workspaceName: string; summary: string; findings: { title: string; detail: string }[]; url: string }) =>
    mail(
      `Your weekly brief — ${v.workspaceName}`,
      [
        `Hi ${v.name},`,
        `Here is this week's brief for ${v.workspaceName}, written by Strategist.`,
        ...v.summary.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean),
        ...v.findings.map((f) => (f.detail ? `${f.title}: ${f.detail}` : f.title)),
        'You get this email because the weekly brief is on. An owner or admin can turn it off in Settings → AI.',
      ],
      { label: 'Open the brief in Kestrel', url: v.url },
    ),
} satisfies Record<string, (v: never) => RenderedMail>;

export type TemplateName = keyof typeof templates;
