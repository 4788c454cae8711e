import { badRequest } from '../../../platform/http/errors';
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
  const all: MergeField[] = [];
  const fill = (text: string, escape: (s: string) => string) =>
    text.replace(TAG, (raw, inner: string) => {
      const parsed = FIELD.exec(inner);
      const field = (parsed?.[1] ?? '') as MergeField;
      const value = values[field]?.trim() || parsed?.[2] || null;
      if (value === null) {
        if (!all.includes(field)) all.push(field);
        return raw;
      }
      return escape(value);
    });
  const subject = fill(parts.subject, (s) => s.replace(/[\r\n]+/g, ' '));
  const html = fill(parts.html, escapeHtml);
  const missing = all[0];
  if (missing) return { ok: false, field: missing, missing: all, subject, html, message: `This contact has no value for {{${missing}}} and the template gives no fallback (write {{${missing} | "…"}}).` };
  return { ok: true, subject, html };
}
