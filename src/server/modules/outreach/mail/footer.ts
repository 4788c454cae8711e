import { escapeHtml } from '../../../platform/mail/templates';

export interface FooterInput {
  workspaceName: string;
  mailingAddress: string;
  unsubscribeUrl: string;
  advertisement: boolean;
  /** A one-to-one sales mail (decision 022): the person never signed up, so the footer does not say they agreed. */
  oneToOne?: boolean;
}

/**
 * MAIL-5: what every marketing mail ends with — who sent it and where they are (CAN-SPAM's
 * physical postal address), how to stop it (MAIL-4), and the advertisement label when asked for.
 */
export function withFooter(body: { html: string; text: string }, f: FooterInput): { html: string; text: string } {
  const label = f.advertisement ? 'Advertisement. ' : '';
  const address = f.mailingAddress.replace(/\s*\n\s*/g, ', ');
  const why = f.oneToOne ? `This is a sales email from ${f.workspaceName}. Don't want more?` : `You get this email because you agreed to hear from ${f.workspaceName}.`;
  const html =
    `${body.html}<hr style="margin-top:32px;border:none;border-top:1px solid #ddd">` +
    `<p style="font-size:12px;color:#666">${escapeHtml(label)}${escapeHtml(f.workspaceName)}, ${escapeHtml(address)}</p>` +
    `<p style="font-size:12px;color:#666">${escapeHtml(why)} <a href="${escapeHtml(f.unsubscribeUrl)}">Unsubscribe</a></p>`;
  const text = `${body.text}\n\n--\n${label}${f.workspaceName}, ${address}\n${why} Unsubscribe: ${f.unsubscribeUrl}\n`;
  return { html, text };
}
