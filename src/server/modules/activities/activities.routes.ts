import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { teamMembers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import * as c from './activities.contract';
import { createActivity } from './create-activity';
import { deleteActivity } from './delete-activity';
import { getActivity } from './get-activity';
import { listTasks } from './list-tasks';
import { listTimeline } from './list-timeline';
import { setTaskState } from './set-task-state';
import { updateActivity } from './update-activity';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId';

/**
 * CRM-4: timelines of contacts, companies and deals, and tasks. The team reads and writes;
 * clients have no access (records shared with them are shown without their internal notes).
 * Changing or deleting an item is for its author or a manager, checked in the use case.
 */
export async function activitiesModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;
  const team = { access: teamMembers };
  const tags = ['timeline'];

  app.get(`${base}/timeline`, { config: team, schema: { tags, summary: "A record's timeline, newest first, cursor-paged (CRM-4)", params: c.activitiesParams, querystring: c.timelineQuery, response: { 200: c.activityPage, ...errors } } }, async (request) =>
    listTimeline(db, request.workspace!.ctx, request.query),
  );
  app.get(`${base}/tasks`, { config: team, schema: { tags, summary: 'Tasks by assignee, state and due date, soonest first (CRM-4)', params: c.activitiesParams, querystring: c.tasksQuery, response: { 200: c.activityPage, ...errors } } }, async (request) =>
    listTasks(db, request.workspace!.ctx, request.query),
  );
  app.post(`${base}/activities`, { config: team, schema: { tags, summary: 'Log a note, call, email, meeting or task on records (CRM-4)', params: c.activitiesParams, body: c.createActivityBody, response: { 201: c.activitySchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createActivity(db, request.workspace!.ctx, request.body)),
  );
  app.get(`${base}/activities/:activityId`, { config: team, schema: { tags, summary: 'One timeline item (CRM-4)', params: c.activityParams, response: { 200: c.activitySchema, ...errors } } }, async (request) =>
    getActivity(db, request.workspace!.ctx, request.params.activityId),
  );
  app.patch(`${base}/activities/:activityId`, { config: team, schema: { tags, summary: 'Change an item (author, assignee or manager); 409 if it changed since `version` (CRM-4)', params: c.activityParams, body: c.updateActivityBody, response: { 200: c.activitySchema, ...errors } } }, async (request) =>
    updateActivity(db, request.workspace!.ctx, request.params.activityId, request.body),
  );
  app.delete(`${base}/activities/:activityId`, { config: team, schema: { tags, summary: 'Delete an item (author or manager; audited) (CRM-4)', params: c.activityParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await deleteActivity(db, request.workspace!.ctx, request.params.activityId);
    return reply.code(204).send(null);
  });
  app.post(`${base}/activities/:activityId/complete`, { config: team, schema: { tags, summary: 'Mark a task done (CRM-4)', params: c.activityParams, body: c.taskStateBody, response: { 200: c.activitySchema, ...errors } } }, async (request) =>
    setTaskState(db, request.workspace!.ctx, request.params.activityId, 'completed', request.body.version),
  );
  app.post(`${base}/activities/:activityId/reopen`, { config: team, schema: { tags, summary: 'Open a done task again (CRM-4)', params: c.activityParams, body: c.taskStateBody, response: { 200: c.activitySchema, ...errors } } }, async (request) =>
    setTaskState(db, request.workspace!.ctx, request.params.activityId, 'open', request.body.version),
  );
}
