// SPDX-License-Identifier: Apache-2.0
// Subscribers that join while a publisher keeps adding nodes: the SyncReply and the events after
// it must add up to the final graph, with nothing lost between the two, both through a raw
// in-order reader (the server's side) and through src/client's subscribe() (the client's side).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subscribe, WsClient } from '../../src/client/index.js';
import {
  GraphMessageType as T,
  Namespace,
  WsPath,
  newStructMessage,
  type GraphJSON,
  type NodeJSON,
  type StructMessage,
} from '../../src/protocol/index.js';
import { closeLater, eventually, startTestAnalyzer, type TestAnalyzer } from './helpers.js';
import { follow, Replica, shapeOf } from './replica.js';

const FILTER = "G.V().Has('Type', 'device').SubGraph()";

function deviceAdded(i: number): StructMessage {
  const n: NodeJSON = {
    ID: `stream-${i}`,
    Metadata: { Name: `stream-${i}`, Type: i % 2 ? 'device' : 'other', Seq: i },
    Host: 'it-writer',
    Origin: '',
    CreatedAt: Date.now(),
    UpdatedAt: Date.now(),
    DeletedAt: null,
    Revision: 1,
  };
  return newStructMessage(Namespace.Graph, T.NodeAdded, n);
}

/** A writer that runs until `stop` resolves, then resolves with how many nodes it added. */
type Writer = (an: TestAnalyzer, stop: Promise<void>) => Promise<number>;

/** Publishes batches of NodeAdded on /ws/publisher. */
const publisherWriter: Writer = async (an, stop) => {
  const ws = new WsClient({ analyzer: an.address, path: WsPath.Publisher, hostId: 'it-writer' });
  await ws.connect();
  let stopped = false;
  void stop.then(() => (stopped = true));
  let i = 0;
  try {
    while (!stopped) {
      const batch = Array.from({ length: 20 }, () => deviceAdded(i++));
      await ws.publish(batch);
      await new Promise((r) => setImmediate(r));
    }
    await ws.request(newStructMessage(Namespace.Graph, T.SyncRequest, {}));
  } finally {
    await ws.close();
  }
  return i;
};

/**
 * Adds a node to the hub graph on every turn of the event loop, as an in-process source (rules,
 * a probe) does: each SyncReply then shares its write with the events that follow it.
 */
const inProcessWriter: Writer = async (an, stop) => {
  let stopped = false;
  void stop.then(() => (stopped = true));
  let i = 0;
  // bounded: joins must not have to catch up with an ever-growing graph
  while (!stopped && i < 2000) {
    const m = deviceAdded(i++).Obj as NodeJSON;
    an.context.graph.newNode(m.Metadata, { id: m.ID });
    await new Promise((r) => setImmediate(r));
  }
  return i;
};

type Open = (
  an: TestAnalyzer,
  host: string,
  filter?: string,
) => Promise<{
  replica(): Replica;
  close(): Promise<void>;
}>;

const rawReader: Open = (an, host, filter) =>
  follow({ analyzer: an.address, hostId: host, gremlinFilter: filter });

const clientSubscribe: Open = async (an, host, filter) => {
  const sub = await subscribe({ analyzer: an.address, hostId: host, filter });
  const replica = new Replica(sub.graph);
  void (async () => {
    for await (const m of sub.events) replica.apply(m);
  })();
  return { replica: () => replica, close: () => sub.close() };
};

async function joinWhileWriting(t: { after(fn: () => unknown): void }, write: Writer, open: Open) {
  const an = await startTestAnalyzer(t, { logs: 'silent' });
  let release!: () => void;
  const stop = new Promise<void>((r) => (release = r));
  const writing = write(an, stop);
  const joined: { filter: string | undefined; replica(): Replica }[] = [];
  for (let k = 0; k < 12; k++) {
    const filter = k % 2 ? FILTER : undefined;
    const s = closeLater(t, await open(an, `joiner-${k}`, filter));
    joined.push({ filter, replica: s.replica });
  }
  release();
  const sent = await writing;
  const rest = an.client();
  const all = shapeOf(await rest.topology());
  assert.equal(all.nodes.length, sent);
  const [devices] = await rest.query<GraphJSON[]>(FILTER);
  const want = { all, devices: shapeOf(devices) };
  await eventually(() => {
    for (const [k, j] of joined.entries())
      assert.deepEqual(
        j.replica().shape(),
        j.filter ? want.devices : want.all,
        `joiner-${k} (${j.filter ?? 'unfiltered'})`,
      );
  });
  for (const j of joined) assert.deepEqual(j.replica().violations, []);
}

test('joining during publisher writes misses nothing (in-order reader)', (t) =>
  joinWhileWriting(t, publisherWriter, rawReader));

// Regression: subscribe() used to flip `synced` after `await syncRequest()`, so the frames that
// followed the SyncReply in the same socket read were dropped (fixed in 3a0d35b).
test('joining during publisher writes misses nothing (client subscribe())', (t) =>
  joinWhileWriting(t, publisherWriter, clientSubscribe));

test('joining during in-process changes misses nothing (in-order reader)', (t) =>
  joinWhileWriting(t, inProcessWriter, rawReader));

test('joining during in-process changes misses nothing (client subscribe())', (t) =>
  joinWhileWriting(t, inProcessWriter, clientSubscribe));
