// SPDX-License-Identifier: Apache-2.0
// The one table from errors to HTTP: SkydiveError kinds and Fastify's own error codes map to a
// status and a stable SKY_ERR_ code; the handlers answer `{statusCode, code, error, message}`.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SkydiveError, type ErrorKind } from '../../graph/errors.js';

/** HTTP status of each error kind. RBAC denial is 405 on REST, as in Skydive (§3.1, §10). */
export const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  not_found: 404,
  invalid_argument: 400,
  conflict: 409,
  query_syntax: 400,
  query_execution: 400,
  unauthorized: 401,
  forbidden: 405,
  payload_too_large: 413,
  not_modified: 304,
  unavailable: 503,
  // An upstream that did not answer in time (an agent, the database). A query that runs past
  // its limit is reported by the topology route as query_execution (400), like Skydive.
  timeout: 504,
  internal: 500,
};

/** Codes of failures detected by the HTTP layer itself (listed in docs/errors.md). */
export const HttpErrorCode = {
  BadJSON: 'SKY_ERR_BAD_JSON',
  BadYAML: 'SKY_ERR_BAD_YAML',
  BodyTooLarge: 'SKY_ERR_BODY_TOO_LARGE',
  UnsupportedMediaType: 'SKY_ERR_UNSUPPORTED_MEDIA_TYPE',
  InvalidBody: 'SKY_ERR_INVALID_BODY',
  BadRequest: 'SKY_ERR_BAD_REQUEST',
  UnsupportedOutput: 'SKY_ERR_UNSUPPORTED_OUTPUT',
  RouteNotFound: 'SKY_ERR_ROUTE_NOT_FOUND',
  Internal: 'SKY_ERR_INTERNAL',
} as const;

/** The JSON body of every error answer. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}

interface Mapped {
  status: number;
  code: string;
  message: string;
}

/** Fastify's own errors (body parsing, validation, routing) → status, our code, a clear message. */
function mapFastify(err: FastifyError, req: FastifyRequest): Mapped | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: HttpErrorCode.BodyTooLarge,
        message: `request body is larger than the limit of ${req.routeOptions.bodyLimit ?? '?'} bytes`,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: HttpErrorCode.UnsupportedMediaType,
        message: `unsupported Content-Type '${req.headers['content-type'] ?? ''}'; send application/json`,
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        code: HttpErrorCode.BadJSON,
        message: `invalid JSON body: ${err.message}`,
      };
    case 'FST_ERR_VALIDATION':
      return {
        status: 400,
        code: HttpErrorCode.InvalidBody,
        message: `invalid ${err.validationContext ?? 'request'}: ${err.message}`,
      };
    case 'FST_ERR_NOT_FOUND':
      return {
        status: 404,
        code: HttpErrorCode.RouteNotFound,
        message: `no route ${req.method} ${req.url}`,
      };
    default:
      if (err instanceof SyntaxError && err.statusCode === 400)
        return {
          status: 400,
          code: HttpErrorCode.BadJSON,
          message: `invalid JSON body: ${err.message}`,
        };
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500)
        return { status: err.statusCode, code: HttpErrorCode.BadRequest, message: err.message };
      return undefined;
  }
}

/** Maps any thrown value to the answer; unknown errors become a generic 500. */
export function mapError(err: unknown, req: FastifyRequest): Mapped {
  if (err instanceof SkydiveError)
    return { status: STATUS_BY_KIND[err.kind], code: err.code, message: err.message };
  if (err instanceof Error) {
    const m = mapFastify(err as FastifyError, req);
    if (m) return m;
  }
  return { status: 500, code: HttpErrorCode.Internal, message: 'Internal Server Error' };
}

/** Builds the error body for a status. */
export function errorBody(status: number, code: string, message: string): ErrorBody {
  return { statusCode: status, code, error: STATUS_CODES[status] ?? 'Error', message };
}

/** Route config flag: answer errors as `text/plain` message only (Skydive's `/login`). */
export interface PlainErrorsConfig {
  plainErrors?: boolean;
}

function send(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const m = mapError(err, req);
  if (m.status >= 500) req.log.error({ err, statusCode: m.status }, 'request failed');
  else req.log.info({ code: m.code, statusCode: m.status, reason: m.message }, 'request refused');
  reply.code(m.status);
  if (m.status === 304) return reply.send();
  const config = req.routeOptions.config as PlainErrorsConfig | undefined;
  if (config?.plainErrors) return reply.type('text/plain; charset=utf-8').send(m.message);
  return reply.type('application/json; charset=utf-8').send(errorBody(m.status, m.code, m.message));
}

/** Installs the error and not-found handlers on the root instance (they then apply everywhere). */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => send(req, reply, err));
  app.setNotFoundHandler((req, reply) => {
    const m = errorBody(
      404,
      HttpErrorCode.RouteNotFound,
      `no route ${req.method} ${req.url.split('?')[0]}`,
    );
    req.log.info({ code: m.code, statusCode: 404, reason: m.message }, 'request refused');
    return reply.code(404).type('application/json; charset=utf-8').send(m);
  });
}
