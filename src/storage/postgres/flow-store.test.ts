// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL FlowStore against the shared conformance suite, one fresh database per test.
import { after } from 'node:test';
import { flowStoreSuite } from '../flow-store.suite.js';
import { startPostgres } from '../testing/postgres-server.js';
import { PostgresFlowStore } from './flow-store.js';

const server = startPostgres();
after(() => server.destroy());

flowStoreSuite('postgres', async () => new PostgresFlowStore(await server.createDatabase('flow')));
