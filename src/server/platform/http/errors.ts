import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** A failure the caller can act on. The error handler turns it into `{ error: { code, message, details } }`. */
export class AppError extends Error {
  constructor(
    public readonly code: string,
    public readonly statusCode: number,
    message: string,
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) => new AppError(code, 400, message, details);
export const unauthorized = (message = 'Sign in to continue.', code = 'unauthenticated') => new AppError(code, 401, message);
export const forbidden = (message = 'Your role does not allow this.', code = 'forbidden') => new AppError(code, 403, message);
export const notFound = (what = 'Record') => new AppError('not_found', 404, `${what} not found.`);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) => new AppError(code, 409, message, details);
export const notImplemented = (what: string) => new AppError('not_implemented', 501, `${what} is not built yet.`);

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(code: string, message: string, details: Record<string, unknown> = {}): ErrorBody {
  return { error: { code, message, details } };
}

/** One shape for every failure; internals never leak on a 5xx. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('route_not_found', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields: Record<string, string> = {};
      for (const issue of error.validation) {
        const where = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
        // fastify-type-provider-zod puts the zod issue's code in `keyword` and its other
        // properties (such as the unknown `keys`) in `params`: each unknown field is named.
        const params = issue.params as { keys?: unknown; issue?: { code?: string; keys?: unknown } };
        const keys = params.keys ?? params.issue?.keys;
        if ((issue.keyword === 'unrecognized_keys' || params.issue?.code === 'unrecognized_keys') && Array.isArray(keys) && keys.length) {
          for (const k of keys) fields[where ? `${where}.${String(k)}` : String(k)] = 'Unknown field.';
          continue;
        }
        fields[where || '(body)'] = issue.message ?? 'Not valid.';
      }
      return reply
        .code(400)
        .send(errorBody('validation_failed', `Some fields are not valid (${error.validationContext ?? 'request'}).`, { fields, in: error.validationContext }));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response did not match its schema');
      return reply.code(500).send(errorBody('internal', 'Something went wrong on our side. It has been logged.'));
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      const code =
        error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type'
        : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large'
        : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'empty_body'
        : status === 429 ? 'rate_limited'
        : error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'malformed_json'
        : 'bad_request';
      const message = code === 'malformed_json' ? 'The request body is not valid JSON.' : error.message;
      return reply.code(status).send(errorBody(code, message));
    }
    // Safety net behind the bounded contracts: a value PostgreSQL cannot hold is the caller's input.
    const dataError = databaseDataError(error);
    if (dataError) {
      request.log.warn({ err: error }, 'database refused a value');
      return reply.code(400).send(errorBody(dataError.code, dataError.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('internal', 'Something went wrong on our side. It has been logged.'));
  });
}

/**
 * A PostgreSQL "data exception" (SQLSTATE class 22: out of range, too long, malformed, a NUL
 * character) or a value over one of its limits (54000), found anywhere in the error's cause chain.
 * Named without the statement or the value, which the database's message quotes.
 */
export function databaseDataError(error: unknown): { code: string; message: string } | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const sqlState = (e as { code?: unknown }).code;
    if (typeof sqlState !== 'string' || !/^[0-9A-Z]{5}$/.test(sqlState)) continue;
    if (sqlState === '22003') return { code: 'value_out_of_range', message: 'A number is out of range.' };
    if (sqlState === '22001' || sqlState === '54000') return { code: 'value_too_long', message: 'A value is too long.' };
    if (sqlState.startsWith('22')) return { code: 'invalid_value', message: 'A value is not valid.' };
  }
  return null;
}

/** Errors the router meets before any route runs (a malformed or overlong path parameter), in the one error shape. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    reply.code(414).send(errorBody('url_too_long', 'A part of the address is too long.'));
  } else if (error.code === 'FST_ERR_BAD_URL') {
    reply.code(400).send(errorBody('bad_url', 'The address is not valid.'));
  } else {
    reply.code(500).send(errorBody('internal', 'Something went wrong on our side. It has been logged.'));
  }
}
