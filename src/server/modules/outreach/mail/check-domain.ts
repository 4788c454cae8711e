import { Resolver } from 'node:dns/promises';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { getSendingAccountRow } from './sending-accounts';

type Kind = 'spf' | 'dkim' | 'dmarc';

/** The resolver the check asks: DNS_SERVERS when set (tests point it at a local server), else the system's. */
function resolverFor(servers: string | undefined): Resolver {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers) resolver.setServers(servers.split(',').map((s) => s.trim()).filter(Boolean));
  return resolver;
}

async function txt(resolver: Resolver, name: string): Promise<string[]> {
  try {
    return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENODATA' || code === 'ENOTFOUND') return [];
    throw new AppError('dns_unavailable', 502, `The DNS lookup of ${name} failed (${code ?? 'error'}). Try again in a minute.`);
  }
}

/**
 * MAIL-1: looks up the sending domain's SPF, DKIM and DMARC TXT records and says, in words, what
 * is missing — before the first campaign lands in spam.
 */
export async function checkSendingDomain(services: Services, ctx: WorkspaceContext, accountId: string) {
  const account = await withTenant(services.database.db, ctx, (tx) => getSendingAccountRow(tx, ctx.workspaceId, accountId));
  const domain = account.fromAddress.split('@')[1]!;
  const resolver = resolverFor(services.config.DNS_SERVERS);
  // Resend signs with its own selector; an SMTP account with the one set on it.
  const selector = account.kind === 'resend' ? 'resend' : account.dkimSelector;
  const spfHint = account.kind === 'resend' ? 'include:amazonses.com' : account.smtpHost ? `a:${account.smtpHost}` : 'your mail server';
  const [spf, dkim, dmarc] = await Promise.all([
    txt(resolver, domain).then((r) => r.find((v) => /^v=spf1\b/i.test(v)) ?? null),
    selector ? txt(resolver, `${selector}._domainkey.${domain}`).then((r) => r.find((v) => /(^|;)\s*(v=DKIM1|p=)/i.test(v)) ?? null) : Promise.resolve(null),
    txt(resolver, `_dmarc.${domain}`).then((r) => r.find((v) => /^v=DMARC1\b/i.test(v)) ?? null),
  ]);
  const record = (kind: Kind, name: string, found: string | null, advice: string) => ({ kind, name, found, ok: found !== null, advice: found === null ? advice : null });
  const records = [
    record('spf', domain, spf, `Add a TXT record on ${domain} like "v=spf1 ${spfHint} ~all" so receivers know this server may send for it.`),
    selector
      ? record('dkim', `${selector}._domainkey.${domain}`, dkim, account.kind === 'resend' ? `Add the DKIM record Resend shows for ${domain} (a TXT record at resend._domainkey.${domain}).` : `Publish the DKIM public key as a TXT record at ${selector}._domainkey.${domain} ("v=DKIM1; k=rsa; p=…").`)
      : record('dkim', `<selector>._domainkey.${domain}`, null, 'Set a DKIM selector and private key on this account, and publish the public key as a TXT record.'),
    record('dmarc', `_dmarc.${domain}`, dmarc, `Add a TXT record at _dmarc.${domain} like "v=DMARC1; p=none; rua=mailto:dmarc@${domain}".`),
  ];
  return { domain, records, ok: records.every((r) => r.ok) };
}
