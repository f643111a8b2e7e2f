// SPDX-License-Identifier: Apache-2.0
// The in-memory ResourceStore against the shared conformance suite.
import { resourceStoreSuite } from '../resource-store.suite.js';
import { MemoryResourceStore } from './resource-store.js';

resourceStoreSuite('memory', async () => new MemoryResourceStore());
