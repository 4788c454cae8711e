import sanitizeHtml from 'sanitize-html';

/**
 * CRM-4: notes and meeting notes are rich text written in the browser and shown to everyone in
 * the workspace, so what is stored is what an allowlist lets through: simple formatting, lists,
 * quotes, code and links over http(s)/mailto/tel. No scripts, no event handlers, no styles, no
 * classes or ids, no images (they would load from anywhere), no forms or frames.
 */
const options: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'div', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'del', 'sub', 'sup', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'h1', 'h2', 'h3', 'h4', 'hr', 'a'],
  // transformTags runs before the attribute filter, so what it adds must be allowed too.
  allowedAttributes: { a: ['href', 'target', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // The content of these goes too, not just the tags.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template', 'svg', 'math'],
  disallowedTagsMode: 'discard',
  // Every link opens in a new tab without handing the opener or the referrer to the target.
  transformTags: {
    a: (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => ({ tagName, attribs: attribs.href ? { href: attribs.href, target: '_blank', rel: 'noopener noreferrer nofollow' } : {} }),
  },
  parser: { lowerCaseTags: true, lowerCaseAttributeNames: true },
};

/** Sanitised HTML, or null when nothing visible is left. */
export function sanitiseRichText(html: string | null | undefined): string | null {
  if (html === null || html === undefined) return null;
  const clean = sanitizeHtml(html, options).trim();
  return (htmlToText(clean) || /<(hr|li)\b/.test(clean)) ? clean : null;
}

/** Plain text of sanitised HTML: block elements become line breaks, entities are decoded. */
export function htmlToText(html: string | null): string {
  if (!html) return '';
  const withBreaks = html.replace(/<(br|hr)\s*\/?>/gi, '\n').replace(/<\/(p|div|li|h[1-4]|blockquote|pre)>/gi, '\n');
  const text = sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {}, nonTextTags: ['script', 'style', 'textarea', 'noscript'] });
  return decodeEntities(text)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function decodeEntities(s: string): string {
  return s
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** A timeline body made by `SanitisedTemplate.fill`: HTML that passed the allowlist, and its text. */
export interface SanitisedBody {
  readonly html: string | null;
  readonly text: string | null;
}
/** The bodies `fill` made: a caller cannot hand in an object of the same shape that skipped the allowlist. */
const filled = new WeakSet<SanitisedBody>();
export const isSanitisedBody = (x: unknown): x is SanitisedBody => typeof x === 'object' && x !== null && filled.has(x as SanitisedBody);

/** Markers for the slots: letters and digits only, so the allowlist keeps them as text; a random part so a template cannot forge one. */
const markerOf = (nonce: string, i: number) => `kslot${nonce}n${i}e`;

/**
 * CRM-4: a rich-text body with slots, sanitised ONCE and filled many times (a campaign's mails on
 * their contacts' timelines). The slots are filled with escaped text only, and only where the
 * sanitised HTML has them as text (never inside a tag or an attribute, checked here), so a filled
 * body is what the allowlist would let through for the filled HTML: text cannot open a tag.
 * `compile` answers null when a slot does not stay as text (say, inside a link's address): the
 * caller sanitises each filled body then.
 */
export class SanitisedTemplate {
  private constructor(
    private readonly htmlParts: string[],
    private readonly textParts: string[],
    private readonly visibleWithoutText: boolean,
  ) {}

  /** `pieces` alternate literal HTML and slots: `[html, slot, html, slot, …, html]`. */
  static compile(pieces: string[]): SanitisedTemplate | null {
    const nonce = Math.random().toString(36).slice(2, 10).replace(/[^a-z0-9]/g, 'x');
    const slots = Math.floor(pieces.length / 2);
    const marked = pieces.map((p, i) => (i % 2 ? markerOf(nonce, (i - 1) / 2) : p)).join('');
    const clean = sanitizeHtml(marked, options).trim();
    const htmlParts = splitAtMarkers(clean, nonce, slots);
    if (!htmlParts) return null;
    // Each slot must be text: no tag left open before it (the allowlist writes a text `<` as `&lt;`).
    let before = '';
    for (let i = 0; i < slots; i++) {
      before += htmlParts[i]!;
      if (before.lastIndexOf('<') > before.lastIndexOf('>')) return null;
    }
    const textParts = splitAtMarkers(htmlToText(clean), nonce, slots);
    if (!textParts) return null;
    return new SanitisedTemplate(htmlParts, textParts, /<(hr|li)\b/.test(clean));
  }

  /** The body for these slot values (plain text, escaped here); null HTML when nothing visible is left, as `sanitiseRichText` says. */
  fill(values: string[]): SanitisedBody {
    let html = this.htmlParts[0]!;
    let text = this.textParts[0]!;
    for (let i = 1; i < this.htmlParts.length; i++) {
      const value = values[i - 1] ?? '';
      html += escapeText(value) + this.htmlParts[i]!;
      text += value + this.textParts[i]!;
    }
    text = text.trim();
    const visible = text.length > 0 || this.visibleWithoutText;
    const body: SanitisedBody = Object.freeze({ html: visible ? html : null, text: visible ? text : null });
    filled.add(body);
    return body;
  }
}

const escapeText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** The text around each marker, in order, when each of them is there exactly once; null otherwise. */
function splitAtMarkers(s: string, nonce: string, slots: number): string[] | null {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < slots; i++) {
    const marker = markerOf(nonce, i);
    const at = s.indexOf(marker, from);
    if (at < 0 || s.indexOf(marker, at + marker.length) >= 0) return null;
    parts.push(s.slice(from, at));
    from = at + marker.length;
  }
  const rest = s.slice(from);
  if (rest.includes(`kslot${nonce}`) || parts.some((p) => p.includes(`kslot${nonce}`))) return null;
  parts.push(rest);
  return parts;
}
