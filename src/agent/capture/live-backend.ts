// SPDX-License-Identifier: Apache-2.0
// The agent's default capture backend: live capture sources (src/capture) feeding a flow table
// (src/flow) per capture, ticked on flow.update, whose updates go to the analyzers.
import type { BackendContext } from './index.js';
import type { CaptureBackend } from './manager.js';

/** The default backend; capture types appear once the sources are built in. */
export function liveCaptureBackend(ctx: BackendContext): CaptureBackend {
  void ctx;
  return {
    types: [],
    start: (spec) =>
      Promise.reject(new Error(`no ${spec.type} capture source in this build of the agent`)),
  };
}
