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
