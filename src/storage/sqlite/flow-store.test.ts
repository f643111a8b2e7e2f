// SPDX-License-Identifier: Apache-2.0
// The SQLite FlowStore against the shared conformance suite, on real files in a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { flowStoreSuite } from '../flow-store.suite.js';
import { SqliteFlowStore } from './flow-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sktest-sqlite-flow-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

flowStoreSuite('sqlite', async () => SqliteFlowStore.open(join(dir, `flows${++n}.db`)));
