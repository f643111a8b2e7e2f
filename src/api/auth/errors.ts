// SPDX-License-Identifier: Apache-2.0
// Authentication and authorisation failures, in the shared error family: 401 when the caller is
// unknown, 405 on REST (403 on WebSocket) when its role may not do the action.
import { SkydiveError } from '../../graph/errors.js';

/** Missing or wrong credentials (Skydive's `Wrong credentials`). */
export class UnauthorizedError extends SkydiveError {
  constructor(message = 'Wrong credentials', code = 'SKY_ERR_UNAUTHORIZED') {
    super('unauthorized', code, message);
  }
}

/** An authenticated caller whose roles do not allow `action` on `object`. */
export class ForbiddenError extends SkydiveError {
  readonly object: string;
  readonly action: string;
  constructor(user: string, object: string, action: string) {
    super('forbidden', 'SKY_ERR_FORBIDDEN', `user '${user}' may not ${action} ${object}`);
    this.object = object;
    this.action = action;
  }
}
