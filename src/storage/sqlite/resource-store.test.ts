// SPDX-License-Identifier: Apache-2.0
// The SQLite ResourceStore against the shared conformance suite, on real files in a temporary
// directory (two instances on one file share it through the polled change log).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { resourceStoreSuite } from '../resource-store.suite.js';
import { openSqliteResourceStore } from './resource-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sktest-sqlite-res-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

resourceStoreSuite(
  'sqlite',
  () => openSqliteResourceStore({ path: join(dir, `r${++n}.db`), pollMs: 20 }),
  {
    location: async () => {
      const path = join(dir, `shared${++n}`, 'skydive.db');
      return () => openSqliteResourceStore({ path, pollMs: 20 });
    },
  },
);
