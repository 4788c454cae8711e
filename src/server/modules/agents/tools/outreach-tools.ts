import { z } from 'zod';
import { mergeFieldNames } from '../../outreach/outreach.contract';
import { saveCallScriptPayload, saveSequencePayload, saveTemplatePayload } from '../agents.contract';
import { defineTool } from '../runtime/tool';
import { proposeAndReport } from './proposal-tools';

const rationale = z.string().trim().min(1).max(2000).describe('Why, in a sentence or two, for the person approving it');
const fields = mergeFieldNames.map((f) => `{{${f}}}`).join(', ');

/** AI-2: Forge proposes an email template; once approved it is one of outreach's templates, ready for campaigns and sequences. */
export const proposeTemplate = defineTool({
  name: 'propose_template',
  description:
    `Propose saving an email template for a person to approve. Plain text, short paragraphs separated by blank lines. Merge fields, only these: ${fields}; ` +
    'give a fallback where a value may be missing: {{contact.firstName | "there"}}. stream: marketing (newsletters, offers) or transactional (replies someone expects).',
  input: saveTemplatePayload.extend({ rationale }),
  changes: true,
  async run({ rationale: why, ...payload }, env) {
    return proposeAndReport(env, 'save_template', payload, why, `Template "${payload.name}"`);
  },
});

/** AI-2: Forge proposes a call script; once approved it is kept with the templates as a call script. */
export const proposeCallScript = defineTool({
  name: 'propose_call_script',
  description: `Propose saving a call script for a person to approve: opening, discovery questions, answers to objections, close, as plain text. Merge fields allowed: ${fields}.`,
  input: saveCallScriptPayload.extend({ rationale }),
  changes: true,
  async run({ rationale: why, ...payload }, env) {
    return proposeAndReport(env, 'save_call_script', payload, why, `Call script "${payload.name}"`);
  },
});

/** AI-2, MAIL-2: Forge proposes a sequence; once approved its emails are templates and the sequence is a draft a person makes active. */
export const proposeSequence = defineTool({
  name: 'propose_sequence',
  description:
    'Propose a sequence of 2 to 5 emails for a person to approve; it is saved as a draft sequence (nobody is enrolled until a person makes it active). ' +
    `Each step: delayDays (days after the step before; the first counts from enrolment, usually 0), subject (required for the first; leave it out of a follow-up to send it as a reply in the same thread), body (plain text, short paragraphs separated by blank lines). Merge fields, only these: ${fields}; give fallbacks: {{contact.firstName | "there"}}.`,
  input: saveSequencePayload.extend({ rationale }),
  changes: true,
  async run({ rationale: why, ...payload }, env) {
    return proposeAndReport(env, 'save_sequence', payload, why, `Sequence "${payload.name}" (${payload.steps.length} emails)`);
  },
});
