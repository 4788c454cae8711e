import { escapeHtml } from '../../../platform/mail/templates';

export interface FooterInput {
  workspaceName: string;
  mailingAddress: string;
  unsubscribeUrl: string;
  advertisement: boolean;
}

/**
 * MAIL-5: what every marketing mail ends with — who sent it and where they are (CAN-SPAM's
 * physical postal address), how to stop it (MAIL-4), and the advertisement label when asked for.
 */
export function withFooter(body: { html: string; text: string }, f: FooterInput): { html: string; text: string } {
  const label = f.advertisement ? 'Advertisement. ' : '';
  const address = f.mailingAddress.replace(/\s*\n\s*/g, ', ');
  const html =
    `${body.html}<hr style="margin-top:32px;border:none;border-top:1px solid #ddd">` +
    `<p style="font-size:12px;color:#666">${escapeHtml(label)}${escapeHtml(f.workspaceName)}, ${escapeHtml(address)}</p>` +
    `<p style="font-size:12px;color:#666">You get this email because you agreed to hear from ${escapeHtml(f.workspaceName)}. <a href="${escapeHtml(f.unsubscribeUrl)}">Unsubscribe</a></p>`;
  const text = `${body.text}\n\n--\n${label}${f.workspaceName}, ${address}\nYou get this email because you agreed to hear from ${f.workspaceName}. Unsubscribe: ${f.unsubscribeUrl}\n`;
  return { html, text };
}
