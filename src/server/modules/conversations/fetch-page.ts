import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import sanitizeHtml from 'sanitize-html';
import { AppError } from '../../platform/http/errors';

const MAX_BYTES = 2 * 1024 * 1024;
const TIMEOUT_MS = 10_000;
const TOTAL_DEADLINE_MS = 20_000;

/** Addresses a server-side fetch must never reach unless the operator allows it (SSRF). */
const privateRanges = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  privateRanges.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  privateRanges.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  // An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return privateRanges.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const refused = (host: string) => new AppError('url_not_allowed', 400, `${host} is a private or local address; Kestrel does not fetch those.`, { fields: { url: 'Use a public web address.' } });
const failed = (message: string) => new AppError('page_fetch_failed', 422, message, { fields: { url: message } });

/**
 * CONV-2: fetches an owner's page for the assistant's knowledge and returns its title and text.
 * Guarded against server-side request forgery: every address the name resolves to — checked at
 * connect time, so DNS rebinding cannot slip past — must be public unless the operator allows
 * private ones; at most 3 redirects (each checked), 10 s and 2 MB; HTML and plain text only.
 */
export async function fetchPage(url: string, allowPrivate: boolean, redirects = 3): Promise<{ title: string; text: string; url: string }> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw failed('Use an http(s) address.');
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const bad = addresses.find((a) => !allowPrivate && isPrivateAddress(a.address));
      if (bad) return callback(refused(hostname), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  if (isIP(host) && !allowPrivate && isPrivateAddress(host)) throw refused(host);
  const response = await new Promise<{ status: number; location?: string; type: string; body: string }>((resolve, reject) => {
    const request = (target.protocol === 'https:' ? https : http).get(target, { lookup, timeout: TIMEOUT_MS, headers: { 'user-agent': 'KestrelKnowledgeFetcher/1.0', accept: 'text/html, text/plain' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) {
          request.destroy();
          reject(failed('The page is larger than 2 MB.'));
        } else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}), type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    request.on('timeout', () => request.destroy(failed('The page did not answer within 10 seconds.')));
    // The socket timeout only notices silence: a server trickling a byte at a time would hold the
    // fetch open for ever, so the whole answer also has a deadline.
    const deadline = setTimeout(() => request.destroy(failed('The page took longer than 20 seconds to arrive.')), TOTAL_DEADLINE_MS);
    request.on('close', () => clearTimeout(deadline));
    request.on('error', (e) => reject(e instanceof AppError ? e : failed(`The page could not be fetched (${(e as NodeJS.ErrnoException).code ?? e.message}).`)));
  });
  if (response.status >= 300 && response.status < 400 && response.location) {
    if (redirects === 0) throw failed('The page redirects too many times.');
    return fetchPage(new URL(response.location, target).href, allowPrivate, redirects - 1);
  }
  if (response.status !== 200) throw failed(`The page answered ${response.status}.`);
  if (!/^text\/(html|plain)/.test(response.type)) throw failed('Only web pages (HTML or plain text) can be added.');
  const title = pageTitle(response.body) || target.hostname;
  const text = /html/.test(response.type)
    ? sanitizeHtml(response.body.replace(/<(br|p|div|li|h[1-6]|tr)\b/gi, '\n$&'), { allowedTags: [], allowedAttributes: {}, nonTextTags: ['script', 'style', 'noscript', 'template', 'head', 'title'] })
    : response.body;
  const clean = text.replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/[ \t]+/g, ' ').replace(/\n\s*\n+/g, '\n').trim();
  if (!clean) throw failed('The page has no text.');
  return { title: sanitizeHtml(title, { allowedTags: [] }).slice(0, 300), text: clean.slice(0, 50_000), url: target.href };
}

/**
 * The page's <title>, found by index rather than by a regular expression: `/<title[^>]*>…/` takes
 * quadratic time on a page of "<title" repeated without a ">" (minutes for 2 MB, with the event
 * loop frozen for every workspace). Only the head of the page is searched.
 */
export function pageTitle(html: string): string {
  const head = html.slice(0, 65_536);
  const lower = head.toLowerCase();
  const open = lower.indexOf('<title');
  if (open < 0) return '';
  const start = lower.indexOf('>', open);
  if (start < 0) return '';
  const end = lower.indexOf('</title', start);
  return head.slice(start + 1, end < 0 ? start + 1 : end).slice(0, 300).trim();
}
