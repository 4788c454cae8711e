import { and, desc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { withTenant } from '../../../platform/db/tenant';
import { conversations } from '../../conversations/conversations.schema';
import { createTasksPayload, messageTemplateInput, moveDealPayload, sendEmailPayload, type ProposalKind } from '../agents.contract';
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

export const proposeMessage = defineTool({
  name: 'propose_message',
  description:
    "Draft a message to a contact in their latest email or WhatsApp conversation in the team's inbox, for a person to approve before it is sent by that channel (an email reply in the thread, or a WhatsApp message). " +
    'WhatsApp takes free text only within 24 hours of the customer\'s last message; after that only an approved template (name, language, parameters). Plain text, brief, signed by first name only.',
  input: z.strictObject({
    contactId: z.uuid('Not a contact id.'),
    channel: z.enum(['email', 'whatsapp']),
    body: z.string().trim().max(4000).default(''),
    template: messageTemplateInput.optional(),
    rationale,
  }),
  changes: true,
  async run({ rationale: why, contactId, ...rest }, env) {
    const [conv] = await withTenant(env.services.database.db, env.ctx, (tx) =>
      tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(
          and(
            eq(conversations.workspaceId, env.ctx.workspaceId),
            eq(conversations.channel, rest.channel),
            or(eq(conversations.contactId, contactId), sql`${conversations.visitorId} IN (SELECT id FROM visitors WHERE workspace_id = ${env.ctx.workspaceId} AND contact_id = ${contactId})`),
          ),
        )
        .orderBy(desc(conversations.lastMessageAt))
        .limit(1),
    );
    if (!conv) return { output: `This contact has no ${rest.channel} conversation in the inbox; propose an email (propose_email) or a task instead.`, summary: `No ${rest.channel} conversation` };
    const payload = { conversationId: conv.id, ...rest };
    return proposeAndReport(env, 'send_message', payload, why, `${rest.channel === 'email' ? 'Email reply' : 'WhatsApp message'}`);
  },
});
