// SPDX-License-Identifier: Apache-2.0
// The writer thread of SqliteWorkerHistoryStore: owns the SQLite history file's writing connection
// and runs append/closeAll/prune there, so the analyzer's thread never waits on the disk.
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteHistoryStore, type SqliteHistoryOptions } from './history-store.js';
import {
  toWire,
  unpackChanges,
  type HistoryWorkerReply,
  type HistoryWorkerRequest,
  type HistoryWorkerSetup,
} from './history-worker-protocol.js';

const port = parentPort!;
const post = (m: HistoryWorkerReply): void => port.postMessage(m);
const setup = workerData as HistoryWorkerSetup;

let store: SqliteHistoryStore;
try {
  store = SqliteHistoryStore.open(setup.options as unknown as SqliteHistoryOptions);
} catch (e) {
  post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}

async function run(
  m: HistoryWorkerRequest,
): Promise<number | undefined | Awaited<ReturnType<SqliteHistoryStore['prune']>>> {
  switch (m.op) {
    case 'append':
      await store.append(unpackChanges(m.changes));
      return undefined;
    case 'closeAll':
      return store.closeAll(m.time);
    case 'prune':
      return store.prune({
        olderThan: m.olderThan,
        maxBytes: m.maxBytes,
        onProgress: m.progress
          ? (removed) => post({ type: 'progress', id: m.id, removed })
          : undefined,
      });
    case 'setWriter':
      store.setWriter(m.writer);
      return undefined;
    case 'close':
      await store.close();
      return undefined;
  }
}

port.on('message', (m: HistoryWorkerRequest) => {
  run(m).then(
    (value) => {
      post(value === undefined ? { type: 'done', id: m.id } : { type: 'done', id: m.id, value });
      if (m.op === 'close') port.close();
    },
    (e: unknown) => post({ type: 'failed', id: m.id, error: toWire(e) }),
  );
});
