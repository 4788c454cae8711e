import { describe, expect, it } from 'vitest';
import { asksForPerson } from './handoff';

describe('handoff words', () => {
  it('CONV-3 the words "human", "agent" and "person" ask for a person; the same words in passing do not', () => {
    for (const asked of ['human', 'Agent please', 'a person', 'Can I talk to a person please?', 'I want to speak with someone from your team', 'is there a real person here', 'Is a human around to chat?', 'connect me to an agent', 'Operator!']) {
      expect(asksForPerson(asked), asked).toBe(true);
    }
    for (const passing of ['A table for 10 people on Friday', 'Our agent said the price was lower', 'How much per person?', 'We are a team of 12 people', 'What do you charge for a human resources audit of 40 staff?']) {
      expect(asksForPerson(passing), passing).toBe(false);
    }
  });
});
