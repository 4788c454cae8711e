import type { ReactNode } from 'react';
import { RecordLink, recordTypeName } from '../agents/RecordLink';
import type { CitedRecord } from './api';

const MARKER = /\[(contacts|companies|deals)\/([0-9a-f-]{36})\]/gi;

/** The records cited in a text, numbered in the order they are first cited. */
export function numberCitations(content: string, citations: CitedRecord[]): CitedRecord[] {
  const seen: CitedRecord[] = [];
  for (const m of content.matchAll(MARKER)) {
    const type = m[1]!.toLowerCase() as CitedRecord['type'];
    const id = m[2]!.toLowerCase();
    if (seen.some((r) => r.type === type && r.id.toLowerCase() === id)) continue;
    seen.push(citations.find((c) => c.type === type && c.id.toLowerCase() === id) ?? { type, id, label: '' });
  }
  // Cited records the text no longer marks (should not happen) still count as sources.
  for (const c of citations) if (!seen.some((r) => r.type === c.type && r.id.toLowerCase() === c.id.toLowerCase())) seen.push(c);
  return seen;
}

/** While streaming, a marker may be half written ("[deals/0190d"): hide it until it is whole. */
export const withoutPartialMarker = (text: string) => text.replace(/\[(?:[a-z]{0,9}(?:\/[0-9a-f-]{0,36})?)$/i, '');

/**
 * AI-3: an answer with its citation markers ([deals/…]) turned into small numbered links to the
 * records, each named by the record's label for screen readers and on hover.
 */
export function AnswerText({ workspaceId, content, sources }: { workspaceId: string; content: string; sources: CitedRecord[] }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of content.matchAll(MARKER)) {
    const start = m.index ?? 0;
    if (start > last) parts.push(content.slice(last, start));
    const type = m[1]!.toLowerCase();
    const id = m[2]!.toLowerCase();
    const n = sources.findIndex((r) => r.type === type && r.id.toLowerCase() === id);
    const record = sources[n];
    if (record) {
      const name = record.label ? `Source ${n + 1}: ${record.label}` : `Source ${n + 1}: a ${recordTypeName(record.type).toLowerCase()}`;
      parts.push(
        <sup key={`${start}`} className="ml-0.5">
          <RecordLink workspaceId={workspaceId} record={record} ariaLabel={name} title={record.label || undefined} className="rounded px-0.5 text-xs font-semibold text-teal-800 no-underline hover:bg-teal-50 hover:underline">
            [{n + 1}]
          </RecordLink>
        </sup>,
      );
    }
    last = start + m[0].length;
  }
  if (last < content.length) parts.push(content.slice(last));
  return <p className="text-sm leading-relaxed break-words whitespace-pre-wrap text-stone-900">{parts}</p>;
}

/** The sources under an answer: the same numbers, with each record's name. */
export function SourceList({ workspaceId, sources }: { workspaceId: string; sources: CitedRecord[] }) {
  const named = sources.filter((s) => s.label);
  if (named.length === 0) return null;
  return (
    <div className="mt-3 border-t border-stone-100 pt-2">
      <p className="text-xs font-semibold tracking-wide text-stone-600 uppercase">Sources</p>
      <ol className="mt-1 space-y-1 text-sm">
        {sources.map((s, i) =>
          s.label ? (
            <li key={`${s.type}/${s.id}`} className="flex min-w-0 gap-2">
              <span className="shrink-0 text-stone-500">[{i + 1}]</span>
              <span className="min-w-0">
                <RecordLink workspaceId={workspaceId} record={s} /> <span className="text-xs text-stone-500">{recordTypeName(s.type)}</span>
              </span>
            </li>
          ) : null,
        )}
      </ol>
    </div>
  );
}
