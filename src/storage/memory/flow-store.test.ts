// SPDX-License-Identifier: Apache-2.0
// The in-memory FlowStore against the shared conformance suite.
import { flowStoreSuite } from '../flow-store.suite.js';
import { MemoryFlowStore } from './flow-store.js';

flowStoreSuite('memory', async () => new MemoryFlowStore());
