import type { MessageMeta } from './conversations.contract';

/**
 * CONV-3: a system line is written once, in the visitor's words ("You asked for a person…"); the
 * team reads the same event from its own side ("The visitor asked for a person."). The team's
 * wording is kept in the message's meta when the line is written; lines written before that are
 * recognised by their visitor wording.
 */

/** Why a person is needed, shown in the inbox. */
export type FlagReason = 'asked' | 'no_knowledge' | 'ai_failed' | 'no_ai_provider' | 'restricted_contact' | 'assistant_off';

export const handoffNotice: Record<FlagReason, string> = {
  asked: 'You asked for a person. Someone from the team will join here shortly.',
  no_knowledge: 'A person from the team will pick this up here shortly.',
  ai_failed: 'Our assistant is unavailable right now. A person from the team will reply here.',
  no_ai_provider: 'Thanks! A person from the team will reply here.',
  restricted_contact: 'A person from the team will reply here.',
  assistant_off: 'Thanks! A person from the team will reply here.',
};

/** CONV-1: outside the opening hours nobody joins "shortly": the visitor is told the reply comes when the team is back. */
export const awayNotice: Record<FlagReason, string> = {
  asked: "You asked for a person. We're away right now: someone from the team will reply here when we're back.",
  no_knowledge: "I'll ask a person from the team. We're away right now: they will reply here when we're back.",
  ai_failed: "Our assistant is unavailable right now, and so are we: a person from the team will reply here when we're back.",
  no_ai_provider: "Thanks! We're away right now: a person from the team will reply here when we're back.",
  restricted_contact: "We're away right now: a person from the team will reply here when we're back.",
  assistant_off: "Thanks! We're away right now: a person from the team will reply here when we're back.",
};

/** The same handoffs as the team reads them. */
const teamHandoff: Record<FlagReason, string> = {
  asked: 'The visitor asked for a person.',
  no_knowledge: 'The assistant had no answer and handed over to the team.',
  ai_failed: 'The assistant failed to answer, so the conversation came to the team.',
  no_ai_provider: 'No AI provider is connected, so the conversation came to the team.',
  restricted_contact: 'This contact is restricted from automated replies, so the conversation came to the team.',
  assistant_off: 'The assistant is off, so the conversation came to the team.',
};
const TEAM_AWAY = ' It was outside opening hours: the visitor was told the team replies when back.';

export const assistantBackNotice = 'The assistant is back. Ask for a person at any time.';
const joinedNotice = (name: string) => `${name} joined the conversation.`;

export const handoffLine = (reason: FlagReason, away: boolean) => ({
  body: (away ? awayNotice : handoffNotice)[reason],
  meta: { teamBody: teamHandoff[reason] + (away ? TEAM_AWAY : '') } satisfies MessageMeta,
});
export const joinedLine = (name: string) => ({ body: joinedNotice(name), meta: { teamBody: `${name} joined.` } satisfies MessageMeta });
export const leftDetailsLine = (name: string, email: string, consent: boolean) => ({
  body: `Thanks, ${firstWord(name)}! We'll follow up at ${email}.`,
  meta: { teamBody: `${name} left their details (${email})${consent ? ' and agreed to hear about offers' : ''}.` } satisfies MessageMeta,
});
const firstWord = (name: string) => name.trim().split(/\s+/)[0] ?? name;
export const assistantBackLine = () => ({ body: assistantBackNotice, meta: { teamBody: 'The assistant is back.' } satisfies MessageMeta });

/** Lines written before the team's wording was kept: recognised by the visitor's wording. Ambiguous ones (two reasons share a text) keep their own. */
const legacy = new Map<string, string>();
for (const reason of Object.keys(teamHandoff) as FlagReason[]) {
  for (const [notices, suffix] of [[handoffNotice, ''], [awayNotice, TEAM_AWAY]] as const) {
    const text = notices[reason];
    legacy.set(text, legacy.has(text) ? text : teamHandoff[reason] + suffix);
  }
}
legacy.set(assistantBackNotice, 'The assistant is back.');

/** CONV-3: a system line as the team reads it. */
export function teamSystemLine(body: string, meta: MessageMeta): string {
  if (meta.teamBody) return meta.teamBody;
  const known = legacy.get(body);
  if (known) return known;
  const joined = /^(.+) joined the conversation\.$/.exec(body);
  if (joined) return `${joined[1]} joined.`;
  const left = /^Thanks, (.+)! We'll follow up at (.+)\.$/.exec(body);
  return left ? `${left[1]} left their details (${left[2]}).` : body;
}
