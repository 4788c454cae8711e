import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { recordAudit } from '../audit';
import { agentNames, type AgentInfo, type AgentSettings } from './agents.contract';
import { agentSettings } from './agents.schema';
import { agents, toolsFor } from './definitions';

export async function getAgentSettings(db: Db, ctx: WorkspaceContext): Promise<AgentSettings> {
  return withTenant(db, ctx, async (tx) => {
    const rows = await tx.select().from(agentSettings).where(eq(agentSettings.workspaceId, ctx.workspaceId));
    return { autopilot: rows.filter((r) => r.autopilot).map((r) => r.agent), weeklyBrief: rows.some((r) => r.agent === 'strategist' && r.scheduled) };
  });
}

/** AI-5: owners and admins choose which agents act without asking (audited). */
export async function updateAgentSettings(db: Db, ctx: WorkspaceContext, body: AgentSettings): Promise<AgentSettings> {
  return withTenant(db, ctx, async (tx) => {
    const before = await tx.select().from(agentSettings).where(eq(agentSettings.workspaceId, ctx.workspaceId));
    for (const agent of agentNames) {
      const autopilot = body.autopilot.includes(agent);
      const scheduled = agent === 'strategist' && body.weeklyBrief;
      await tx
        .insert(agentSettings)
        .values({ workspaceId: ctx.workspaceId, agent, autopilot, scheduled, updatedByUserId: ctx.userId })
        .onConflictDoUpdate({ target: [agentSettings.workspaceId, agentSettings.agent], set: { autopilot, scheduled, updatedByUserId: ctx.userId, updatedAt: new Date() } });
    }
    const was = before.filter((r) => r.autopilot).map((r) => r.agent);
    await recordAudit(tx, ctx, { action: 'agent.settings_updated', targetType: 'workspace', targetId: ctx.workspaceId, details: { autopilotBefore: was, autopilot: body.autopilot, weeklyBrief: body.weeklyBrief } });
    return { autopilot: [...body.autopilot], weeklyBrief: body.weeklyBrief };
  });
}

/** The agents, their tasks and tools, for the UI. */
export async function listAgents(db: Db, ctx: WorkspaceContext): Promise<{ agents: AgentInfo[] }> {
  const settings = await getAgentSettings(db, ctx);
  const available = Object.fromEntries(await Promise.all(agentNames.map(async (name) => [name, (await toolsFor(db, ctx, agents[name])).tools] as const)));
  return {
    agents: agentNames.map((name) => {
      const def = agents[name];
      return {
        name,
        label: def.label,
        description: def.description,
        tasks: def.tasks.map((t) => ({ key: t.key, label: t.label, description: t.description, subjects: t.subjects, background: t.background })),
        tools: available[name]!.map((t) => ({ name: t.name, description: t.description, changes: t.changes })),
        autopilot: settings.autopilot.includes(name),
      };
    }),
  };
}
