// SPDX-License-Identifier: Apache-2.0
// What the parts of an agent receive from its composition root: the shared API context (settings,
// logger, local graph, query engine, auth, connection registry) with agent settings, and the root.
import type { ApiContext } from '../api/context.js';
import type { Node } from '../graph/index.js';
import type { AgentSettings } from './settings.js';

export interface AgentContext extends ApiContext {
  settings: AgentSettings;
  /** The host node (Type host, Name = host_id). */
  root: Node;
}
