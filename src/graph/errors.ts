// SPDX-License-Identifier: Apache-2.0
// The error family shared by every layer: a small typology with stable codes. The analyzer's HTTP
// layer maps `kind` to a status in one table; tests assert `code` or the class, never the message.

/** Broad classes of failure; each maps to one HTTP status in analyzer/http/errors.ts. */
export type ErrorKind =
  | 'not_found'
  | 'invalid_argument'
  | 'conflict'
  | 'query_syntax'
  | 'query_execution'
  | 'unauthorized'
  | 'forbidden'
  | 'payload_too_large'
  | 'not_modified'
  | 'unavailable'
  | 'timeout'
  | 'internal';

/** Base class: `code` is stable (documented in docs/errors.md), `message` is for people. */
export class SkydiveError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
  }
}

/** A node, edge or resource that does not exist. */
export class NotFoundError extends SkydiveError {
  constructor(code: string, message: string) {
    super('not_found', code, message);
  }
}

/** A value that breaks a rule of the API (schema, range, format). */
export class InvalidArgumentError extends SkydiveError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super('invalid_argument', code, message, options);
  }
}

/** Creating what already exists. */
export class ConflictError extends SkydiveError {
  constructor(code: string, message: string) {
    super('conflict', code, message);
  }
}

/** A Gremlin query that does not parse; `position` is the 0-based character offset. */
export class QuerySyntaxError extends SkydiveError {
  readonly position: number;
  constructor(message: string, position: number, code = 'SKY_ERR_QUERY_SYNTAX') {
    super('query_syntax', code, `${message} (at position ${position})`);
    this.position = position;
  }
}

/** A Gremlin query that parses but cannot run (wrong input type, unknown node, limits). */
export class QueryExecutionError extends SkydiveError {
  readonly position: number | undefined;
  constructor(message: string, position?: number, code = 'SKY_ERR_QUERY_EXECUTION') {
    super(
      'query_execution',
      code,
      position === undefined ? message : `${message} (at position ${position})`,
    );
    this.position = position;
  }
}
