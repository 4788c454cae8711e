import { z } from 'zod';
import { createTasksPayload, moveDealPayload, sendEmailPayload, type ProposalKind } from '../agents.contract';
import { propose } from '../proposals/proposals';
import { defineTool, type ToolEnv, type ToolOutcome } from '../runtime/tool';

const rationale = z.string().trim().min(1).max(2000).describe('Why, in a sentence or two, for the person approving it');

export async function proposeAndReport(env: ToolEnv, kind: ProposalKind, payload: unknown, why: string, what: string): Promise<ToolOutcome> {
  if (env.run.agent === 'brain') return { output: 'The brain answers questions; it does not propose actions.', summary: 'refused' };
  const proposal = await propose(env.services, env.ctx, { id: env.run.id, agent: env.run.agent }, kind, payload, why);
  env.emit({ type: 'proposal', step: env.step, proposalId: proposal.id, kind, status: proposal.status });
  const outcome =
    proposal.status === 'pending' ? 'It waits in the approvals inbox for a person to approve, edit or reject it.'
    : proposal.status === 'approved' ? 'Autopilot is on for this agent, so it was carried out.'
    : `It could not be carried out: ${proposal.error}`;
  return { output: `Proposed (${proposal.id}). ${outcome}`, summary: `${what} — ${proposal.status}` };
}

export const proposeEmail = defineTool({
  name: 'propose_email',
  description:
    'Draft an email to a contact for a person to approve before it is sent. Write it ready to send: plain text, short paragraphs separated by blank lines, signed by first name only. ' +
    'It is refused for restricted contacts, contacts without an email and contacts who denied or withdrew consent.',
  input: sendEmailPayload.extend({ rationale }),
  changes: true,
  async run({ rationale: why, ...payload }, env) {
    return proposeAndReport(env, 'send_email', payload, why, `Email "${payload.subject}"`);
  },
});

export const proposeDealMove = defineTool({
  name: 'propose_deal_move',
  description: 'Propose moving a deal to another stage (stage ids come from pipeline_summary or get_record). Moving to a lost stage needs lostReason.',
  input: moveDealPayload.extend({ rationale }),
  changes: true,
  async run({ rationale: why, ...payload }, env) {
    return proposeAndReport(env, 'move_deal', payload, why, 'Move deal');
  },
});

export const proposeTasks = defineTool({
  name: 'propose_tasks',
  description: 'Propose follow-up tasks (up to 20) on contacts, companies or deals, each due some days from now, assigned to the person who ran you.',
  input: createTasksPayload.extend({ rationale }),
  changes: true,
  async run({ rationale: why, ...payload }, env) {
    return proposeAndReport(env, 'create_tasks', payload, why, `${payload.tasks.length} task(s)`);
  },
});
