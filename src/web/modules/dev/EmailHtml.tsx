import { useEffect, useRef } from 'react';

/**
 * SEC-1: an email's HTML shown inside this page's strict Content-Security-Policy without
 * breaking it. A srcdoc iframe inherits the page's policy, so every `style="…"` of an email was a
 * CSP violation (and the email showed unstyled). Instead the HTML is parsed into an inert
 * document, cleaned (no scripts, frames, forms, handlers, javascript: links or remote images),
 * and placed in a shadow root; its inline styles and <style> sheets are applied through the
 * CSSOM, which the policy does not govern — the email keeps its look and nothing is refused.
 */

const dropped = 'script, iframe, frame, frameset, object, embed, applet, link, meta, base, form, input, button, textarea, select, noscript, template, svg script';

function safeUrl(value: string, kind: 'link' | 'image'): string | null {
  const v = value.trim();
  if (kind === 'image') return /^data:image\/(png|gif|jpe?g|webp);/i.test(v) || v.startsWith('/') ? v : null;
  try {
    const url = new URL(v, window.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}

const STYLE_ATTR = 'data-kestrel-style';

/**
 * Even an inert parse (DOMParser) checks style attributes against the page's policy, so they are
 * renamed in the text first and <style> sheets taken out: the parser never sees an inline style.
 */
function withoutInlineStyles(html: string): { html: string; sheets: string[] } {
  const sheets: string[] = [];
  const out = html
    .replace(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi, (_, css: string) => {
      sheets.push(css);
      return '';
    })
    // A tag, its attributes before `style` (quoted values may hold anything but their quote), then `style=`.
    .replace(/(<[a-z][^\s/>]*(?:\s+[^\s/>=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*?\s+)style(\s*=)/gi, `$1${STYLE_ATTR}$2`);
  return { html: out, sheets };
}

/** The email as nodes for this page, with each inline style kept aside to apply through the CSSOM. */
export function cleanEmail(html: string): { body: DocumentFragment; styles: Map<Element, string>; sheets: string[] } {
  const prepared = withoutInlineStyles(html);
  const parsed = new DOMParser().parseFromString(prepared.html, 'text/html');
  const sheets = prepared.sheets;
  parsed.querySelectorAll(`style, ${dropped}`).forEach((el) => el.remove());
  const inline: { path: number[]; css: string }[] = [];
  const walk = (el: Element, path: number[]) => {
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'srcset' || name === 'formaction' || name === 'style') el.removeAttribute(attr.name);
      else if (name === STYLE_ATTR) {
        inline.push({ path, css: attr.value });
        el.removeAttribute(attr.name);
      } else if (name === 'href') {
        const href = safeUrl(attr.value, 'link');
        if (href) {
          el.setAttribute('href', href);
          el.setAttribute('target', '_blank');
          el.setAttribute('rel', 'noopener noreferrer');
        } else el.removeAttribute('href');
      } else if (name === 'src' || name === 'background') {
        const src = safeUrl(attr.value, 'image');
        if (src && name === 'src') el.setAttribute('src', src);
        else el.removeAttribute(attr.name);
      }
    }
    [...el.children].forEach((child, i) => walk(child, [...path, i]));
  };
  const root = parsed.body;
  // The body's own style (width, font, padding) goes on a wrapper.
  const wrapperCss = root.getAttribute(STYLE_ATTR) ?? '';
  root.removeAttribute(STYLE_ATTR);
  [...root.children].forEach((child, i) => walk(child, [i]));

  const wrapper = document.createElement('div');
  wrapper.append(...[...root.childNodes].map((n) => document.importNode(n, true)));
  const styles = new Map<Element, string>();
  if (wrapperCss) styles.set(wrapper, wrapperCss);
  for (const { path, css } of inline) {
    let el: Element | undefined = wrapper;
    for (const i of path) el = el?.children[i];
    if (el) styles.set(el, css);
  }
  const body = document.createDocumentFragment();
  body.append(wrapper);
  return { body, styles, sheets };
}

export function EmailHtml({ html }: { html: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const shadow = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
    const { body, styles, sheets } = cleanEmail(html);
    const base = new CSSStyleSheet();
    base.replaceSync(':host { display: block; color: #111; background: #fff; font-family: system-ui, sans-serif; } img { max-width: 100%; }');
    const own = sheets.map((text) => {
      const sheet = new CSSStyleSheet();
      try {
        sheet.replaceSync(text);
      } catch {
        // A sheet the browser cannot read is left out, as a mail client would.
      }
      return sheet;
    });
    shadow.adoptedStyleSheets = [base, ...own];
    for (const [node, css] of styles) (node as HTMLElement).style.cssText = css;
    shadow.replaceChildren(body);
  }, [html]);
  return <div ref={host} role="document" aria-label="Email body" className="h-[60vh] w-full overflow-auto rounded-md border border-stone-200 bg-white p-2" />;
}
