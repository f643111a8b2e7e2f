// SPDX-License-Identifier: Apache-2.0
// Small reply helpers shared by the routes: JSON with Skydive's content type (any value, even a
// bare string or null), Skydive's empty text/plain success, and the documented error responses.
import type { FastifyReply } from 'fastify';
import { ErrorBodySchema } from '../../protocol/index.js';

/** Skydive's JSON content type. */
export const JSON_TYPE = 'application/json; charset=UTF-8';

/** Sends any JSON value (fastify would send a bare string as text). */
export function sendJSON(reply: FastifyReply, value: unknown, status = 200): FastifyReply {
  return reply
    .code(status)
    .type(JSON_TYPE)
    .send(JSON.stringify(value) ?? 'null');
}

/** Skydive's DELETE success: 200, text/plain, empty body. */
export function sendEmpty(reply: FastifyReply): FastifyReply {
  return reply.code(200).type('text/plain; charset=utf-8').send('');
}

/** The error answers every authenticated route may give (for the OpenAPI document). */
export const ErrorResponses = {
  401: { ...ErrorBodySchema, description: 'Missing or wrong credentials' },
  405: { ...ErrorBodySchema, description: 'The role of the user does not allow this (RBAC)' },
} as const;
