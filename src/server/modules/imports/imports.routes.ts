import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { teamMembers } from '../../platform/http/access';
import { sendDownload } from '../../platform/http/download';
import { AppError, errorBodySchema } from '../../platform/http/errors';
import { discardImport } from './discard-import';
import { reportCsv } from './download-report';
import * as c from './imports.contract';
import { getImport, listImports } from './list-imports';
import { previewImport } from './preview-import';
import { startImport } from './start-import';
import { undoImport } from './undo-import';
import { uploadImport } from './upload-import';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId/imports';

/** Upload bodies arrive as these types and are handed to the route as the raw stream. */
const fileTypes = ['application/octet-stream', 'text/csv', 'text/plain', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.ms-excel'];

/**
 * CRM-7 import: upload (streamed to disk), preview with a mapping, start (queues the job),
 * progress, the validation report as CSV, undo. Team members import; clients cannot.
 * Undo is for managers and the person who ran the import (checked in the use case).
 */
export async function importsModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;
  const { config } = app.services;
  const deps = { dataDir: config.DATA_DIR, maxBytes: config.IMPORT_MAX_BYTES, youngGenerationMiB: config.IMPORT_YOUNG_MIB };
  const access = { access: teamMembers };
  const tags = ['imports'];

  // Only in this plugin: the body is not read here but streamed by the upload route itself.
  app.addContentTypeParser(fileTypes, (_request, payload, done) => done(null, payload));

  app.get(base, { config: access, schema: { tags, summary: 'Imports, newest first (CRM-7)', params: c.importsParams, response: { 200: c.importListSchema, ...errors } } }, async (request) => ({
    items: await listImports(db, request.workspace!.ctx),
  }));

  app.post(
    base,
    {
      config: access,
      schema: {
        tags,
        summary: 'Upload a CSV or XLSX file as the raw request body (application/octet-stream); answers with its columns and a suggested mapping (CRM-7)',
        params: c.importsParams,
        querystring: c.uploadQuery,
        response: { 201: c.importSchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as unknown;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw new AppError('unsupported_media_type', 415, 'Send the file itself as the request body, with Content-Type application/octet-stream.');
      }
      const declared = Number(request.headers['content-length']);
      const created = await uploadImport(db, request.workspace!.ctx, deps, {
        fileName: request.query.fileName,
        object: request.query.object,
        body: body as Readable,
        ...(Number.isFinite(declared) && declared > 0 ? { declaredBytes: declared } : {}),
      });
      return reply.code(201).send(created);
    },
  );

  app.get(`${base}/:importId`, { config: access, schema: { tags, summary: 'An import with its live progress and counts (CRM-7)', params: c.importParams, response: { 200: c.importSchema, ...errors } } }, async (request) =>
    getImport(db, request.workspace!.ctx, request.params.importId),
  );

  app.post(
    `${base}/:importId/preview`,
    { config: access, schema: { tags, summary: 'The first rows as they would be imported with a mapping; the mapping is kept (CRM-7)', params: c.importParams, body: c.previewBody, response: { 200: c.previewSchema, ...errors } } },
    async (request) => previewImport(db, request.workspace!.ctx, deps, request.params.importId, request.body),
  );

  app.post(
    `${base}/:importId/start`,
    { config: access, schema: { tags, summary: 'Start the import in the background; 400 when a required column is not mapped (CRM-7)', params: c.importParams, body: c.startBody, response: { 202: c.importSchema, ...errors } } },
    async (request, reply) => reply.code(202).send(await startImport(db, request.workspace!.ctx, request.params.importId, request.body)),
  );

  app.get(
    `${base}/:importId/report.csv`,
    { config: access, schema: { tags, summary: 'The validation report as CSV: row, column, reason, value (CRM-7)', params: c.importParams, response: { 200: z.string(), ...errors } } },
    async (request, reply) => {
      const { fileName, stream } = await reportCsv(db, request.workspace!.ctx, request.params.importId);
      return sendDownload(reply as FastifyReply, { stream, filename: fileName, contentType: 'text/csv; charset=utf-8' });
    },
  );

  app.post(
    `${base}/:importId/undo`,
    { config: access, schema: { tags, summary: 'Undo a whole import: created records deleted, updated ones restored, unless changed since (CRM-7, audited)', params: c.importParams, response: { 200: c.importSchema, ...errors } } },
    async (request) => undoImport(db, request.workspace!.ctx, request.params.importId),
  );

  app.delete(
    `${base}/:importId`,
    { config: access, schema: { tags, summary: 'Discard an upload that was not started, with its file (CRM-7)', params: c.importParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await discardImport(db, request.workspace!.ctx, deps, request.params.importId);
      return reply.code(204).send(null);
    },
  );
}
