import { badRequest } from '../../../platform/http/errors';
import { htmlToText, SanitisedTemplate, type SanitisedBody } from '../../activities';
import { escapeHtml } from '../../../platform/mail/templates';
import { mergeFieldNames } from '../outreach.contract';

/**
 * MAIL-2: merge fields. `{{contact.firstName}}` takes the contact's value; `{{contact.firstName |
 * "there"}}` falls back to "there" when it is empty. Values are HTML-escaped in the body; an
 * unknown field is refused when the template is saved; a missing value without a fallback
 * blocks that recipient's send, naming the field.
 */
export const mergeFields = mergeFieldNames;
export type MergeField = (typeof mergeFields)[number];
export type MergeValues = Partial<Record<MergeField, string | null>>;

const TAG = /\{\{([^{}]*)\}\}/g;
const FIELD = /^\s*([A-Za-z]+\.[A-Za-z]+)\s*(?:\|\s*"([^"]{0,200})"\s*)?$/;

interface Tag {
  raw: string;
  field: string;
  fallback: string | null;
}

function tagsOf(text: string): Tag[] {
  return [...text.matchAll(TAG)].map((m) => {
    const parsed = FIELD.exec(m[1]!);
    return { raw: m[0], field: parsed?.[1] ?? m[1]!.trim(), fallback: parsed ? (parsed[2] ?? null) : null };
  });
}

/** Refuses a template that names a field Kestrel does not know (400 naming it and where it is). */
export function checkMergeFields(parts: { subject: string; html: string }): void {
  for (const [where, text] of Object.entries(parts)) {
    for (const tag of tagsOf(text)) {
      if (!(mergeFields as readonly string[]).includes(tag.field)) {
        throw badRequest('unknown_merge_field', `Unknown merge field "${tag.field}" in the ${where}. Known fields: ${mergeFields.join(', ')}.`, { fields: { [where]: `Unknown merge field "${tag.field}".` }, field: tag.field, in: 'body' });
      }
    }
  }
}

export type Rendered = { ok: true; subject: string; html: string } | { ok: false; field: MergeField; message: string; missing: MergeField[]; subject: string; html: string };

export function renderTemplate(parts: { subject: string; html: string }, values: MergeValues): Rendered {
  return compileTemplate(parts).render(values);
}

type Piece = string | { raw: string; field: MergeField; fallback: string | null };

/** The template cut once into literal text and merge tags. */
function piecesOf(text: string): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  for (const m of text.matchAll(TAG)) {
    out.push(text.slice(at, m.index));
    const parsed = FIELD.exec(m[1]!);
    out.push({ raw: m[0], field: (parsed?.[1] ?? '') as MergeField, fallback: parsed ? (parsed[2] ?? null) : null });
    at = m.index + m[0].length;
  }
  out.push(text.slice(at));
  return out;
}

/** A value for a tag: the contact's (trimmed), else the fallback, else null (missing). */
const valueOf = (tag: Exclude<Piece, string>, values: MergeValues) => values[tag.field]?.trim() || tag.fallback || null;

export interface CompiledTemplate {
  render(values: MergeValues): Rendered;
  /** The HTML's plain text for these values (a mail's text part), as `htmlToText` of the rendered HTML says. */
  text(values: MergeValues): string;
  /** CRM-4: the rendered HTML as the timeline keeps it, sanitised once for the template (per mail only when a field sits inside a tag). */
  /** The timeline's body; `rendered` (the mail's HTML) is asked for only when the template cannot be filled sanitised. */
  timelineBody(values: MergeValues, rendered: () => string): SanitisedBody | string;
}

/**
 * MAIL-2: a template read once for many recipients (a campaign run): cut into text and tags once,
 * its HTML sanitised for the timeline once and its plain text worked out once, with slots where the
 * merge values go (escaped there). Each mail then only joins strings.
 */
export function compileTemplate(parts: { subject: string; html: string }): CompiledTemplate {
  const subject = piecesOf(parts.subject);
  const html = piecesOf(parts.html);
  const tags = html.filter((p): p is Exclude<Piece, string> => typeof p !== 'string');
  const fill = (pieces: Piece[], values: MergeValues, escape: (s: string) => string, missing: MergeField[]) => {
    let out = '';
    for (const p of pieces) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const value = valueOf(p, values);
      if (value === null) {
        if (!missing.includes(p.field)) missing.push(p.field);
        out += p.raw;
      } else out += escape(value);
    }
    return out;
  };
  const slotted = html.map((p) => (typeof p === 'string' ? p : ''));
  // Worked out on first use: a single render (a preview, a sequence step) needs neither.
  let timeline: SanitisedTemplate | null | undefined;
  let text: ((values: string[]) => string) | null | undefined;
  const slotValues = (values: MergeValues) => tags.map((t) => valueOf(t, values) ?? t.raw);
  return {
    render(values) {
      const all: MergeField[] = [];
      const s = fill(subject, values, (v) => v.replace(/[\r\n]+/g, ' '), all);
      const h = fill(html, values, escapeHtml, all);
      const missing = all[0];
      if (missing) return { ok: false, field: missing, missing: all, subject: s, html: h, message: `This contact has no value for {{${missing}}} and the template gives no fallback (write {{${missing} | "…"}}).` };
      return { ok: true, subject: s, html: h };
    },
    text(values) {
      if (text === undefined) text = textTemplate(slotted);
      return text ? text(slotValues(values)) : htmlToText(fill(html, values, escapeHtml, []));
    },
    timelineBody(values, rendered) {
      if (timeline === undefined) timeline = SanitisedTemplate.compile(slotted);
      return timeline ? timeline.fill(slotValues(values)) : rendered();
    },
  };
}

/** The plain text of HTML with slots, worked out once: null when a slot is not text (inside a tag). */
function textTemplate(pieces: string[]): ((values: string[]) => string) | null {
  const nonce = Math.random().toString(36).slice(2, 10).replace(/[^a-z0-9]/g, 'x');
  const marker = (i: number) => `kslot${nonce}n${i}e`;
  const text = htmlToText(pieces.map((p, i) => (i % 2 ? marker((i - 1) / 2) : p)).join(''));
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < Math.floor(pieces.length / 2); i++) {
    const at = text.indexOf(marker(i), from);
    if (at < 0) return null;
    parts.push(text.slice(from, at));
    from = at + marker(i).length;
  }
  parts.push(text.slice(from));
  if (parts.some((p) => p.includes(`kslot${nonce}`))) return null;
  return (values) => parts.reduce((out, p, i) => out + values[i - 1]! + p).trim();
}
