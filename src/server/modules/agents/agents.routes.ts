import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { managers, teamMembers } from '../../platform/http/access';
import { AppError, errorBody, errorBodySchema } from '../../platform/http/errors';
import { openEventStream, wantsEventStream } from '../../platform/http/event-stream';
import { getAgentSettings, listAgents, updateAgentSettings } from './agent-settings';
import * as c from './agents.contract';
import { approveProposal, getProposal, listProposals, rejectProposal } from './proposals/proposals';
import { cancelRun, executeRun, getRun, listRuns, presentRun, startRun } from './runs';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId';

/**
 * AI-2, AI-5, AI-7: the five agents, their runs and the approvals inbox. The team runs agents
 * and decides the proposals of the runs they started; owners and admins see every run and
 * proposal and choose autopilot. Clients have no agents.
 */
export async function agentsModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const { db } = services.database;
  const tags = ['agents'];
  const team = { access: teamMembers };
  const manage = { access: managers };

  app.get(`${base}/agents`, { config: team, schema: { tags, summary: 'The five agents, their tasks and tools, and whether each is on autopilot (AI-2)', params: c.agentsParams, response: { 200: c.agentListSchema, ...errors } } }, async (request) =>
    listAgents(db, request.workspace!.ctx),
  );
  app.get(`${base}/agents/settings`, { config: team, schema: { tags, summary: 'Which agents act without approval; the weekly brief (AI-5)', params: c.agentsParams, response: { 200: c.agentSettingsSchema, ...errors } } }, async (request) =>
    getAgentSettings(db, request.workspace!.ctx),
  );
  app.put(`${base}/agents/settings`, { config: manage, schema: { tags, summary: 'Turn autopilot on or off per agent, and the weekly brief (AI-5, audited)', params: c.agentsParams, body: c.updateAgentSettingsBody, response: { 200: c.agentSettingsSchema, ...errors } } }, async (request) =>
    updateAgentSettings(db, request.workspace!.ctx, request.body),
  );

  app.post(
    `${base}/agents/:agent/runs`,
    {
      config: team,
      schema: {
        tags,
        summary: 'Run an agent on a task. With `Accept: text/event-stream` the steps stream as server-sent events (run, event, delta, done); background runs answer 202 at once (AI-2)',
        params: c.agentParams,
        body: c.startRunBody,
        response: { 200: c.agentRunSchema, 202: c.agentRunSchema, ...errors },
      },
    },
    async (request, reply) => {
      const ctx = request.workspace!.ctx;
      const { row, background } = await startRun(services, ctx, request.params.agent, request.body);
      if (background) return reply.code(202).send(presentRun(row));
      if (!wantsEventStream(request)) return executeRun(services, ctx, row.id);
      const stream = openEventStream(reply);
      stream.send('run', presentRun(row));
      try {
        const done = await executeRun(services, ctx, row.id, {
          signal: stream.signal,
          onEvent: (event) => stream.send('event', event),
          onDelta: (step, text) => stream.send('delta', { step, text }),
        });
        stream.send('done', done);
      } catch (error) {
        const e = error instanceof AppError ? error : null;
        if (!e) request.log.error({ err: error }, 'agent run failed');
        stream.send('error', e ? errorBody(e.code, e.message, e.details) : errorBody('internal_error', 'The run failed unexpectedly.'));
      } finally {
        stream.end();
      }
      return reply;
    },
  );
  app.get(`${base}/agents/runs`, { config: team, schema: { tags, summary: 'Agent runs, newest first; staff see their own (AI-2)', params: c.agentsParams, querystring: c.listRunsQuery, response: { 200: c.agentRunPageSchema, ...errors } } }, async (request) =>
    listRuns(db, request.workspace!.ctx, request.query),
  );
  app.get(`${base}/agents/runs/:runId`, { config: team, schema: { tags, summary: 'One run: its steps, the records it read, its answer (AI-2, AI-4)', params: c.runParams, response: { 200: c.agentRunSchema, ...errors } } }, async (request) =>
    getRun(db, request.workspace!.ctx, request.params.runId),
  );
  app.post(`${base}/agents/runs/:runId/cancel`, { config: team, schema: { tags, summary: 'Stop a run at its next step (AI-2)', params: c.runParams, response: { 200: c.agentRunSchema, ...errors } } }, async (request) =>
    cancelRun(db, request.workspace!.ctx, request.params.runId),
  );

  app.get(`${base}/approvals`, { config: team, schema: { tags, summary: 'The approvals inbox: what agents proposed, newest first (AI-5)', params: c.agentsParams, querystring: c.listProposalsQuery, response: { 200: c.proposalPageSchema, ...errors } } }, async (request) =>
    listProposals(db, request.workspace!.ctx, request.query),
  );
  app.get(`${base}/approvals/:proposalId`, { config: team, schema: { tags, summary: 'One proposal (AI-5)', params: c.proposalParams, response: { 200: c.proposalSchema, ...errors } } }, async (request) =>
    getProposal(db, request.workspace!.ctx, request.params.proposalId),
  );
  app.post(`${base}/approvals/:proposalId/approve`, { config: team, schema: { tags, summary: 'Approve a proposal, as is or edited: it is carried out now (AI-5, audited)', params: c.proposalParams, body: c.approveProposalBody, response: { 200: c.proposalSchema, ...errors } } }, async (request) =>
    approveProposal(services, request.workspace!.ctx, request.params.proposalId, request.body.payload),
  );
  app.post(`${base}/approvals/:proposalId/reject`, { config: team, schema: { tags, summary: 'Reject a proposal (AI-5, audited)', params: c.proposalParams, body: c.rejectProposalBody, response: { 200: c.proposalSchema, ...errors } } }, async (request) =>
    rejectProposal(db, request.workspace!.ctx, request.params.proposalId, request.body.note),
  );
}

