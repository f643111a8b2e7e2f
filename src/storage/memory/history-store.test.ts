// SPDX-License-Identifier: Apache-2.0
// The in-memory HistoryStore against the shared conformance suite.
import { historyStoreSuite } from '../history-store.suite.js';
import { MemoryHistoryStore } from './history-store.js';

historyStoreSuite('memory', async () => ({ store: new MemoryHistoryStore() }));
