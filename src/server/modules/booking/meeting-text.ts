import { oneLine } from './booking.contract';

/**
 * BOOK-1: where the meeting is, as the attendee reads it: the host's video link, phone number or
 * address, or the kind in words when the host left it empty (never a bare "video").
 */
export function meetingPlace(e: { locationKind: string; locationValue: string | null }): string {
  const value = e.locationValue ? oneLine(e.locationValue) : '';
  if (e.locationKind === 'phone') return value ? `Phone call: ${value}` : 'Phone call';
  if (e.locationKind === 'address') return value || 'In person';
  return value ? `Video call: ${value}` : 'Video call (the host sends the link)';
}

/** The visitor's answers as "Question: answer" lines, each question by its label (stored by id). */
export function answerLines(answers: Record<string, string>, questions: { id: string; label: string }[]): string[] {
  return Object.entries(answers).map(([id, v]) => `${oneLine(questions.find((q) => q.id === id)?.label ?? id)}: ${oneLine(v)}`);
}
