import { describe, expect, it } from 'vitest';
import { asksForPerson } from './handoff';
import { handoffLine, leftDetailsLine, teamSystemLine } from './system-lines';

describe('handoff words', () => {
  it('CONV-3 the words "human", "agent" and "person" ask for a person; the same words in passing do not', () => {
    for (const asked of ['human', 'Agent please', 'a person', 'Can I talk to a person please?', 'I want to speak with someone from your team', 'is there a real person here', 'Is a human around to chat?', 'connect me to an agent', 'Operator!']) {
      expect(asksForPerson(asked), asked).toBe(true);
    }
    for (const passing of ['A table for 10 people on Friday', 'Our agent said the price was lower', 'How much per person?', 'We are a team of 12 people', 'What do you charge for a human resources audit of 40 staff?']) {
      expect(asksForPerson(passing), passing).toBe(false);
    }
  });

  it('CONV-3 the team reads system lines from its side, lines written before the team wording was kept included; other lines stay as written', () => {
    const asked = handoffLine('asked', true);
    expect(asked.body).toMatch(/^You asked for a person/);
    expect(teamSystemLine(asked.body, asked.meta)).toBe('The visitor asked for a person. It was outside opening hours: the visitor was told the team replies when back.');
    expect(teamSystemLine('You asked for a person. Someone from the team will join here shortly.', {})).toBe('The visitor asked for a person.');
    expect(teamSystemLine('Ana joined the conversation.', {})).toBe('Ana joined.');
    expect(teamSystemLine('The assistant is back. Ask for a person at any time.', {})).toBe('The assistant is back.');
    expect(teamSystemLine("Thanks, Mia! We'll follow up at mia@example.test.", {})).toBe('Mia left their details (mia@example.test).');
    const left = leftDetailsLine('Mia Lopez', 'mia@example.test', false);
    expect(left.body).toBe("Thanks, Mia! We'll follow up at mia@example.test.");
    expect(teamSystemLine(left.body, left.meta)).toBe('Mia Lopez left their details (mia@example.test).');
    expect(teamSystemLine('Conversation resolved.', {})).toBe('Conversation resolved.');
  });
});
