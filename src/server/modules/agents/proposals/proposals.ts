import { and, count, desc, eq, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, conflict, forbidden, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { recordAudit } from '../../audit';
import type { AgentName, listProposalsQuery, Proposal, ProposalKind } from '../agents.contract';
import { agentProposals, agentSettings } from '../agents.schema';
import { carryOut, checkProposal } from './carry-out';

type ProposalRow = typeof agentProposals.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentProposal(r: ProposalRow): Proposal {
  return {
    id: r.id,
    runId: r.runId,
    agent: r.agent,
    kind: r.kind,
    status: r.status,
    rationale: r.rationale,
    payload: r.payload,
    originalPayload: r.originalPayload,
    records: r.records,
    proposedByUserId: r.proposedByUserId,
    decidedByUserId: r.decidedByUserId,
    decidedAt: iso(r.decidedAt),
    autopilot: r.autopilot,
    note: r.note,
    result: r.result,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function autopilotOn(tx: Tx, workspaceId: string, agent: AgentName): Promise<boolean> {
  const [row] = await tx.select({ on: agentSettings.autopilot }).from(agentSettings).where(and(eq(agentSettings.workspaceId, workspaceId), eq(agentSettings.agent, agent)));
  return row?.on ?? false;
}

/**
 * AI-5: what an agent's changing tool does. The proposal is checked as the person who ran the
 * agent; it waits for approval, or — with the agent on autopilot — is carried out at once in
 * the same transaction (and recorded as done by autopilot). Either way it is audited.
 */
export async function propose(
  services: Services,
  ctx: WorkspaceContext,
  run: { id: string; agent: AgentName },
  kind: ProposalKind,
  payload: unknown,
  rationale: string,
): Promise<Proposal> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const checked = await checkProposal(tx, ctx, kind, payload);
    const auto = await autopilotOn(tx, ctx.workspaceId, run.agent);
    const [row] = await tx
      .insert(agentProposals)
      .values({ workspaceId: ctx.workspaceId, runId: run.id, agent: run.agent, kind, payload: checked.payload, records: checked.records, rationale: rationale.slice(0, 2000), proposedByUserId: ctx.userId })
      .returning();
    await recordAudit(tx, ctx, { action: 'agent.proposal_created', targetType: 'agent_proposal', targetId: row!.id, details: { agent: run.agent, kind, runId: run.id, autopilot: auto } });
    if (!auto) return presentProposal(row!);
    // Autopilot: carried out now; a failure is recorded on the proposal rather than lost.
    try {
      const result = await tx.transaction(async (inner) => carryOut(services, inner as unknown as Tx, ctx, kind, checked.payload, { agent: run.agent, proposalId: row!.id, autopilot: true }));
      const [done] = await tx
        .update(agentProposals)
        .set({ status: 'approved', autopilot: true, decidedAt: new Date(), result })
        .where(and(eq(agentProposals.workspaceId, ctx.workspaceId), eq(agentProposals.id, row!.id)))
        .returning();
      await recordAudit(tx, ctx, { action: 'agent.proposal_approved', targetType: 'agent_proposal', targetId: row!.id, details: { agent: run.agent, kind, autopilot: true } });
      return presentProposal(done!);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const [failed] = await tx
        .update(agentProposals)
        .set({ status: 'failed', autopilot: true, decidedAt: new Date(), error: error.message })
        .where(and(eq(agentProposals.workspaceId, ctx.workspaceId), eq(agentProposals.id, row!.id)))
        .returning();
      return presentProposal(failed!);
    }
  });
}

/** Owners and admins decide every proposal; staff decide those from the agents they ran. */
function assertMayDecide(ctx: WorkspaceContext, row: ProposalRow): void {
  if (ctx.role === 'owner' || ctx.role === 'admin') return;
  if (ctx.role === 'staff' && row.proposedByUserId === ctx.userId) return;
  throw forbidden('Only owners, admins and the person who ran the agent can decide this proposal.');
}

async function lockProposal(tx: Tx, ctx: WorkspaceContext, id: string): Promise<ProposalRow> {
  const [row] = await tx.select().from(agentProposals).where(and(eq(agentProposals.workspaceId, ctx.workspaceId), eq(agentProposals.id, id))).for('update');
  if (!row || (ctx.role === 'staff' && row.proposedByUserId !== ctx.userId)) throw notFound('Proposal');
  assertMayDecide(ctx, row);
  if (row.status !== 'pending') throw conflict('proposal_decided', `This proposal was already ${row.status}.`, { status: row.status });
  return row;
}

/**
 * AI-5: approve, as proposed or with the person's edits. The action and the decision commit
 * together; if the action cannot be done (the contact withdrew consent meanwhile), nothing
 * changes and the answer says why.
 */
export async function approveProposal(services: Services, ctx: WorkspaceContext, id: string, edits: Record<string, unknown> | undefined): Promise<Proposal> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const row = await lockProposal(tx, ctx, id);
    const payload = edits ? { ...row.payload, ...edits } : row.payload;
    const checked = await checkProposal(tx, ctx, row.kind, payload);
    let result: Record<string, unknown>;
    try {
      result = await tx.transaction(async (inner) => carryOut(services, inner as unknown as Tx, ctx, row.kind, checked.payload, { agent: row.agent, proposalId: row.id, autopilot: false }));
    } catch (error) {
      // AI-7: mail the one send path refused at send time (suppressed, no address): the proposal shows why.
      if (!(error instanceof AppError) || error.code !== 'mail_blocked') throw error;
      const [failed] = await tx
        .update(agentProposals)
        .set({ status: 'failed', payload: checked.payload, decidedByUserId: ctx.userId, decidedAt: new Date(), error: error.message })
        .where(and(eq(agentProposals.workspaceId, ctx.workspaceId), eq(agentProposals.id, id)))
        .returning();
      return presentProposal(failed!);
    }
    const edited = edits !== undefined && JSON.stringify(checked.payload) !== JSON.stringify(row.payload);
    const [done] = await tx
      .update(agentProposals)
      .set({
        status: 'approved',
        payload: checked.payload,
        originalPayload: edited ? row.payload : null,
        records: checked.records,
        decidedByUserId: ctx.userId,
        decidedAt: new Date(),
        result,
      })
      .where(and(eq(agentProposals.workspaceId, ctx.workspaceId), eq(agentProposals.id, id)))
      .returning();
    await recordAudit(tx, ctx, { action: 'agent.proposal_approved', targetType: 'agent_proposal', targetId: id, details: { agent: row.agent, kind: row.kind, edited } });
    return presentProposal(done!);
  });
}

export async function rejectProposal(db: Db, ctx: WorkspaceContext, id: string, note: string | undefined): Promise<Proposal> {
  return withTenant(db, ctx, async (tx) => {
    const row = await lockProposal(tx, ctx, id);
    const [done] = await tx
      .update(agentProposals)
      .set({ status: 'rejected', decidedByUserId: ctx.userId, decidedAt: new Date(), note: note || null })
      .where(and(eq(agentProposals.workspaceId, ctx.workspaceId), eq(agentProposals.id, id)))
      .returning();
    await recordAudit(tx, ctx, { action: 'agent.proposal_rejected', targetType: 'agent_proposal', targetId: id, details: { agent: row.agent, kind: row.kind } });
    return presentProposal(done!);
  });
}

/** The approvals inbox: newest first; staff see the proposals of the agents they ran. */
export async function listProposals(db: Db, ctx: WorkspaceContext, q: z.infer<typeof listProposalsQuery>) {
  return withTenant(db, ctx, async (tx) => {
    const mine = ctx.role === 'staff' ? eq(agentProposals.proposedByUserId, ctx.userId!) : undefined;
    const base = and(eq(agentProposals.workspaceId, ctx.workspaceId), mine);
    const rows = await tx
      .select()
      .from(agentProposals)
      .where(and(base, eq(agentProposals.status, q.status), q.agent ? eq(agentProposals.agent, q.agent) : undefined, q.runId ? eq(agentProposals.runId, q.runId) : undefined, q.cursor ? lt(agentProposals.id, q.cursor) : undefined))
      .orderBy(desc(agentProposals.id))
      .limit(q.limit + 1);
    const [pending] = await tx.select({ n: count() }).from(agentProposals).where(and(base, eq(agentProposals.status, 'pending')));
    const page = rows.slice(0, q.limit);
    return { items: page.map(presentProposal), nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null, pendingCount: Number(pending?.n ?? 0) };
  });
}

export async function getProposal(db: Db, ctx: WorkspaceContext, id: string): Promise<Proposal> {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.select().from(agentProposals).where(and(eq(agentProposals.workspaceId, ctx.workspaceId), eq(agentProposals.id, id), ctx.role === 'staff' ? eq(agentProposals.proposedByUserId, ctx.userId!) : sql`true`));
    if (!row) throw notFound('Proposal');
    return presentProposal(row);
  });
}
