import { describe, expect, it } from 'vitest';
import { Thread } from './thread';

/** What a widget shows after a sequence of arrivals, as the widget's render applies them. */
function show(events: ({ pending: string } | { id: string; clientId: string | null })[]) {
  const thread = new Thread();
  const shown: string[] = [];
  for (const e of events) {
    if ('pending' in e) {
      if (thread.pending(e.pending) === 'add') shown.push(`pending:${e.pending}`);
      continue;
    }
    const action = thread.saved(e);
    const label = `saved:${e.id}`;
    if (action === 'replace') shown.splice(shown.indexOf(`pending:${e.clientId}`), 1, label);
    else if (action === 'add') shown.push(label);
  }
  return { shown, thread };
}

describe('widget thread', () => {
  it('CONV-1 a visitor message shows once whether its saved copy comes first by the live stream or by the send answer, in its place', () => {
    const reply = { id: 'm2', clientId: null };
    // Stream first (with the assistant's reply), then the send's answer.
    expect(show([{ pending: 'c1' }, { id: 'm1', clientId: 'c1' }, reply, { id: 'm1', clientId: 'c1' }]).shown).toEqual(['saved:m1', 'saved:m2']);
    // The send's answer first, then the stream repeats it.
    expect(show([{ pending: 'c1' }, { id: 'm1', clientId: 'c1' }, { id: 'm1', clientId: 'c1' }, reply]).shown).toEqual(['saved:m1', 'saved:m2']);
    // The reply arrives over the stream before the visitor's own saved copy: the message keeps its place above it.
    expect(show([{ pending: 'c1' }, reply, { id: 'm1', clientId: 'c1' }]).shown).toEqual(['saved:m1', 'saved:m2']);
  });

  it('CONV-1 after a page load, a message sent just before it is shown once and is not sent again', () => {
    // The conversation read again holds the saved copy; the stored outbox still holds the message.
    const { shown, thread } = show([{ id: 'm1', clientId: 'c1' }, { pending: 'c1' }, { pending: 'c2' }]);
    expect(shown).toEqual(['saved:m1', 'pending:c2']);
    expect(thread.isSaved('c1')).toBe(true);
    expect(thread.isSaved('c2')).toBe(false);
  });

  it('CONV-1 two messages with the same words are two messages; a resend of one pending message stays one', () => {
    expect(show([{ pending: 'c1' }, { pending: 'c1' }, { pending: 'c2' }, { id: 'm2', clientId: 'c2' }, { id: 'm1', clientId: 'c1' }]).shown).toEqual(['saved:m1', 'saved:m2']);
  });
});
