// SPDX-License-Identifier: Apache-2.0
// The SQLite FlowStore against the shared conformance suite, on real files in a temporary directory,
// and the move of metric rows out of the table earlier versions wrote.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { flowStoreSuite } from '../flow-store.suite.js';
import { SqliteFlowStore } from './flow-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sktest-sqlite-flow-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

flowStoreSuite('sqlite', async () => SqliteFlowStore.open(join(dir, `flows${++n}.db`)));

it('moves the metric rows of an earlier file (table flow_metrics) on open', async () => {
  const path = join(dir, 'old.db');
  const db = new Database(path);
  db.exec(`CREATE TABLE flow_metrics (uuid TEXT NOT NULL, start INTEGER NOT NULL,
    last INTEGER NOT NULL, ab_packets INTEGER NOT NULL, ab_bytes INTEGER NOT NULL,
    ba_packets INTEGER NOT NULL, ba_bytes INTEGER NOT NULL, rtt INTEGER,
    PRIMARY KEY (uuid, start, last));
    INSERT INTO flow_metrics VALUES ('u', 10, 20, 1, 2, 3, 4, NULL), ('u', 20, 30, 5, 6, 7, 8, 9);`);
  db.close();
  const s = SqliteFlowStore.open(path);
  try {
    assert.deepEqual(await s.metricSeries(['u']), {
      u: [
        { ABPackets: 1, ABBytes: 2, BAPackets: 3, BABytes: 4, Start: 10, Last: 20 },
        { ABPackets: 5, ABBytes: 6, BAPackets: 7, BABytes: 8, Start: 20, Last: 30, RTT: 9 },
      ],
    });
  } finally {
    await s.close();
  }
  const check = new Database(path, { readonly: true });
  const old = check.prepare("SELECT 1 FROM sqlite_master WHERE name = 'flow_metrics'").get();
  check.close();
  assert.equal(old, undefined, 'the old table is gone');
});
