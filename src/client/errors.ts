// SPDX-License-Identifier: Apache-2.0
// Errors raised by the client: ApiError when the analyzer answered with a failure status, and
// ClientError (stable codes) when no usable answer came back: connection, timeout, protocol, usage.

/** Stable codes of failures detected on the client side (listed in docs/errors.md). */
export type ClientErrorCode =
  | 'SKY_ERR_CLIENT_CONNECTION'
  | 'SKY_ERR_CLIENT_TIMEOUT'
  | 'SKY_ERR_CLIENT_PROTOCOL'
  | 'SKY_ERR_CLIENT_USAGE';

/**
 * A failure detected by the client itself: the server could not be reached, did not answer in time,
 * answered something that does not follow the protocol, or the caller passed a bad argument.
 *
 * @example
 * try { await ws.request(msg) } catch (e) { if (e instanceof ClientError && e.code === 'SKY_ERR_CLIENT_TIMEOUT') retry() }
 */
export class ClientError extends Error {
  readonly code: ClientErrorCode;
  constructor(code: ClientErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ClientError';
    this.code = code;
  }
}

/**
 * The analyzer answered with a non-2xx status. `message` is the server's own message (the `message`
 * of a JSON error body `{statusCode, code, error, message}`, or the plain-text body Skydive sends);
 * `code` is the server's stable error code when it gave one.
 *
 * @example
 * try { await client.get('node', 'nope') } catch (e) { if (e instanceof ApiError && e.status === 404) … }
 */
export class ApiError extends Error {
  readonly status: number;
  readonly statusText: string;
  readonly code: string | undefined;
  /** What the client was doing, e.g. `get node` (for messages such as Skydive's CLI prints). */
  readonly operation: string;
  constructor(
    status: number,
    statusText: string,
    message: string,
    opts: { code?: string | undefined; operation?: string } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.statusText = statusText;
    this.code = opts.code;
    this.operation = opts.operation ?? '';
  }

  /** A one-line description in the style of Skydive's CLI: `Failed to get node, 404 Not Found: …`. */
  describe(): string {
    const head = this.operation ? `Failed to ${this.operation}, ` : '';
    const status = this.statusText ? `${this.status} ${this.statusText}` : String(this.status);
    return this.message ? `${head}${status}: ${this.message}` : `${head}${status}`;
  }
}

/**
 * Builds an ApiError from a failed response body: JSON `{statusCode, code, error, message}` (this
 * project's analyzer), or plain text (Skydive's), or nothing.
 */
export function apiErrorFromBody(
  status: number,
  statusText: string,
  body: string,
  operation?: string,
): ApiError {
  const text = body.trim();
  const opts = operation === undefined ? {} : { operation };
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') {
        const o = parsed as Record<string, unknown>;
        const message =
          typeof o.message === 'string' ? o.message : typeof o.error === 'string' ? o.error : text;
        const code = typeof o.code === 'string' ? o.code : undefined;
        return new ApiError(status, statusText, message, { ...opts, code });
      }
    } catch {
      // not JSON after all: keep the text
    }
  }
  return new ApiError(status, statusText, text, opts);
}
