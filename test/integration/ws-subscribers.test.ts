// SPDX-License-Identifier: Apache-2.0
// Many subscribers at once (unfiltered, X-Gremlin-Filter, SyncRequest GremlinFilter; full and
// partial update policies; JSON and protobuf) while a publisher adds, updates and deletes nodes and
// edges over /ws/publisher: each one's copy must end equal to its filter's result over REST, built
// from events that all fit (no duplicate add, no update or delete of an unknown element).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subscribe, WsClient, type SkydiveClient } from '../../src/client/index.js';
import {
  GraphMessageType as T,
  Namespace,
  WsPath,
  newStructMessage,
  type EdgeJSON,
  type GraphJSON,
  type NodeJSON,
  type StructMessage,
} from '../../src/protocol/index.js';
import { node, simpleGraph } from '../fixtures/topologies/simple.js';
import { closeLater, eventually, startTestAnalyzer } from './helpers.js';
import { follow, Replica, shapeOf, type GraphShape } from './replica.js';

const COLORS = ['red', 'green', 'blue'] as const;

/** Header filters; some appear twice so that subscribers share an evaluation. */
const HEADER_FILTERS = [
  "G.V().Has('Color', 'red').SubGraph()",
  "G.V().Has('Color', 'red').SubGraph()",
  "G.V().Has('Color', 'green').SubGraph()",
  "G.V().Has('Color', 'blue').SubGraph()",
  "G.V().Has('Zone', 'z0').SubGraph()",
  "G.V().Has('Zone', 'z1').SubGraph()",
  "G.V().Has('Zone', 'z2').SubGraph()",
  "G.V().Has('Zone', 'z3').SubGraph()",
  "G.V().Has('Slot', GTE(20)).SubGraph()",
  "G.V().Has('Slot', LT(6)).SubGraph()",
  "G.V().Has('Slot', INSIDE(5, 15)).SubGraph()",
  "G.V().Has('Slot', NE(4)).SubGraph()",
  "G.V().Has('Color', Within('red', 'blue')).SubGraph()",
  "G.V().Has('Color', 'red').Has('Zone', 'z1').SubGraph()",
  "G.V().HasKey('Color').SubGraph()",
  "G.V().Has('Name', Regex('dev-1.*')).SubGraph()",
  "G.V().Has('Type', 'veth').SubGraph()",
  "G.V().Has('Name', 'hostA').Out().SubGraph()",
  "G.V().Has('Color', 'green').Out().SubGraph()",
  "G.E().Has('RelationType', 'wire').SubGraph()",
  'G',
];

/** Filters given in the SyncRequest instead of the handshake. */
const SYNC_FILTERS = [
  "G.V().Has('Color', 'blue').SubGraph()",
  "G.V().Has('Zone', 'z2').SubGraph()",
  "G.V().Has('Slot', GT(30)).SubGraph()",
  "G.E().Has('RelationType', 'ownership').SubGraph()",
  "G.V().Has('Type', 'device').SubGraph()",
  "G.V().Has('Name', Within('br0', 'vethA0', 'vethB0', 'dev-2')).SubGraph()",
];

/** Client-side builder of the publisher's messages, tracking revisions as a real writer does. */
class Writer {
  private readonly rev = new Map<string, number>();
  private readonly md = new Map<string, Record<string, unknown>>();
  private readonly ends = new Map<string, [string, string]>();
  msgs: StructMessage[] = [];

  /** The messages written since the last take. */
  take(): StructMessage[] {
    const out = this.msgs;
    this.msgs = [];
    return out;
  }

  addNode(id: string, metadata: Record<string, unknown>): void {
    this.rev.set(id, 1);
    this.md.set(id, metadata);
    const n: NodeJSON = {
      ID: id,
      Metadata: metadata,
      Host: 'it-publisher',
      Origin: '',
      CreatedAt: Date.now(),
      UpdatedAt: Date.now(),
      DeletedAt: null,
      Revision: 1,
    };
    this.msgs.push(newStructMessage(Namespace.Graph, T.NodeAdded, n));
  }

  addEdge(id: string, parent: string, child: string, metadata: Record<string, unknown>): void {
    this.ends.set(id, [parent, child]);
    this.rev.set(id, 1);
    this.md.set(id, metadata);
    const e: EdgeJSON = {
      ID: id,
      Parent: parent,
      Child: child,
      Metadata: metadata,
      Host: 'it-publisher',
      Origin: '',
      CreatedAt: Date.now(),
      UpdatedAt: Date.now(),
      DeletedAt: null,
      Revision: 1,
    };
    this.msgs.push(newStructMessage(Namespace.Graph, T.EdgeAdded, e));
  }

  private bump(id: string): number {
    const r = (this.rev.get(id) ?? 1) + 1;
    this.rev.set(id, r);
    return r;
  }

  /** A full NodeUpdated (or EdgeUpdated, with ends) with `changes` merged in. */
  update(id: string, changes: Record<string, unknown>, ends?: [string, string]): void {
    const metadata = { ...this.md.get(id), ...changes };
    this.md.set(id, metadata);
    const body = {
      ID: id,
      Metadata: metadata,
      Revision: this.bump(id),
      UpdatedAt: Date.now(),
      ...(ends ? { Parent: ends[0], Child: ends[1] } : {}),
    };
    this.msgs.push(newStructMessage(Namespace.Graph, ends ? T.EdgeUpdated : T.NodeUpdated, body));
  }

  /** A NodePartiallyUpdated setting `key` (dotted) to `value`, or deleting it when undefined. */
  partial(id: string, key: string, value: unknown, revision = this.bump(id)): void {
    const op = value === undefined ? { Type: 2, Key: key } : { Type: 1, Key: key, Value: value };
    const body = { ID: id, UpdatedAt: Date.now(), Revision: revision, Ops: [op] };
    this.msgs.push(newStructMessage(Namespace.Graph, T.NodePartiallyUpdated, body));
  }

  deleteNode(id: string): void {
    this.msgs.push(newStructMessage(Namespace.Graph, T.NodeDeleted, { ID: id }));
  }

  /** EdgeDeleted carries the edge with its ends, as Skydive's writers send it. */
  deleteEdge(id: string): void {
    const [Parent, Child] = this.ends.get(id) ?? ['', ''];
    const body = { ID: id, Parent, Child, Metadata: this.md.get(id), DeletedAt: Date.now() };
    this.msgs.push(newStructMessage(Namespace.Graph, T.EdgeDeleted, body));
  }
}

const devID = (i: number) => `dev-${String(i).padStart(4, '0')}-id`;
const wireID = (i: number) => `wire-${i}-${i + 1}`;

function deviceMetadata(i: number): Record<string, unknown> {
  return {
    Name: `dev-${i}`,
    Type: 'device',
    Slot: i,
    Color: COLORS[i % 3],
    Zone: `z${i % 4}`,
    Labels: { tier: i % 2 ? 'back' : 'front' },
  };
}

function device(w: Writer, i: number): void {
  w.addNode(devID(i), deviceMetadata(i));
  w.addEdge(`own-${i}`, node.hostA, devID(i), { RelationType: 'ownership' });
  if (i % 2 === 1) w.addEdge(wireID(i - 1), devID(i - 1), devID(i), { RelationType: 'wire' });
}

/** The initial world: the fixture and 24 devices. */
function initial(w: Writer): StructMessage[] {
  const g = simpleGraph();
  for (const n of g.Nodes ?? []) w.msgs.push(newStructMessage(Namespace.Graph, T.NodeAdded, n));
  for (const e of g.Edges ?? []) w.msgs.push(newStructMessage(Namespace.Graph, T.EdgeAdded, e));
  for (let i = 0; i < 24; i++) device(w, i);
  return w.take();
}

/** What the publisher does while everyone watches. */
function changes(w: Writer): StructMessage[] {
  for (let i = 24; i < 36; i++) device(w, i); // new devices
  for (let i = 0; i < 36; i += 2) w.update(devID(i), { Color: COLORS[(i + 1) % 3] }); // recolour
  for (let i = 1; i < 36; i += 3) w.partial(devID(i), 'Slot', i + 100); // move across Slot filters
  for (let i = 0; i < 36; i += 5) w.partial(devID(i), 'Labels.tier', undefined); // prune Labels
  w.partial(devID(9), 'Zone', 'z1');
  w.partial(devID(13), 'Labels.rack.row', 7); // nested creation
  for (let i = 0; i < 12; i += 4)
    w.update(wireID(i), { RelationType: 'wire', Speed: 10_000 }, [devID(i), devID(i + 1)]);
  w.deleteEdge(wireID(2));
  w.deleteEdge(`own-${5}`);
  for (const i of [3, 7, 20, 27]) w.deleteNode(devID(i)); // takes their edges along
  w.partial(node.vethA0, 'MTU', 9000, 2);
  w.deleteNode(node.vethB1);
  w.addNode(devID(3), { Name: 'dev-3', Type: 'device', Slot: 3, Color: 'blue', Zone: 'z2' }); // back
  w.addEdge(wireID(2), devID(2), devID(3), { RelationType: 'wire' });
  return w.take();
}

/** A publisher on /ws/publisher that records every error reply. */
async function publisher(address: string, hostId: string) {
  const ws = new WsClient({ analyzer: address, path: WsPath.Publisher, hostId });
  const errors: StructMessage[] = [];
  ws.on('message', (m: StructMessage) => {
    if (m.Status >= 400) errors.push(m);
  });
  await ws.connect();
  return {
    ws,
    errors,
    /** Sends `msgs` and waits until the analyzer has applied them (a SyncRequest answers last). */
    async write(msgs: StructMessage[]): Promise<GraphJSON> {
      await ws.publish(msgs);
      const reply = await ws.request(newStructMessage(Namespace.Graph, T.SyncRequest, {}));
      return reply.Obj as GraphJSON;
    },
  };
}

/** A copy of the graph fed by a src/client Subscription. */
async function fromSubscribe(
  address: string,
  hostId: string,
  filter: string | undefined,
): Promise<{ replica: () => Replica; close(): Promise<void> }> {
  const sub = await subscribe({ analyzer: address, hostId, filter });
  const replica = new Replica(sub.graph);
  void (async () => {
    for await (const m of sub.events) replica.apply(m);
  })();
  return { replica: () => replica, close: () => sub.close() };
}

/** What each filter selects now, over REST (`G` and no filter: the whole graph). */
async function expected(rest: SkydiveClient, filter: string | undefined): Promise<GraphShape> {
  if (filter === undefined) return shapeOf(await rest.topology());
  const [g] = await rest.query<GraphJSON[]>(filter);
  return shapeOf(g);
}

test('30+ subscribers each end with exactly what their filter selects', async (t) => {
  const an = await startTestAnalyzer(t);
  const rest = an.client();
  const pub = await publisher(an.address, 'it-publisher');
  closeLater(t, pub.ws);
  const writer = new Writer();
  assert.equal((await pub.write(initial(writer))).Nodes?.length, 9 + 24);

  interface Watcher {
    name: string;
    filter: string | undefined;
    replica(): Replica;
  }
  const watchers: Watcher[] = [];
  const add = async (
    name: string,
    filter: string | undefined,
    open: () => Promise<{ replica(): Replica; close(): Promise<void> }>,
  ) => {
    const f = closeLater(t, await open());
    watchers.push({ name, filter, replica: f.replica });
  };
  let n = 0;
  const id = () => `sub-${n++}`;
  for (const protocol of ['json', 'json', 'protobuf'] as const) {
    const host = id();
    await add(`unfiltered ${protocol}`, undefined, () =>
      follow({ analyzer: an.address, hostId: host, protocol }),
    );
  }
  {
    const host = id();
    await add('unfiltered partial', undefined, () =>
      follow({ analyzer: an.address, hostId: host, updatePolicy: 'partial' }),
    );
  }
  {
    const host = id();
    await add('unfiltered subscribe()', undefined, () =>
      fromSubscribe(an.address, host, undefined),
    );
  }
  for (const [i, filter] of HEADER_FILTERS.entries()) {
    const host = id();
    const partial = i % 3 === 0 ? 'partial' : undefined;
    await add(`header ${partial ?? 'full'} ${filter}`, filter, () =>
      follow({ analyzer: an.address, hostId: host, gremlinFilter: filter, updatePolicy: partial }),
    );
  }
  for (const filter of HEADER_FILTERS.slice(0, 4)) {
    const host = id();
    await add(`subscribe() ${filter}`, filter, () => fromSubscribe(an.address, host, filter));
  }
  for (const [i, filter] of SYNC_FILTERS.entries()) {
    const host = id();
    const partial = i % 2 === 0 ? 'partial' : undefined;
    await add(`SyncRequest ${filter}`, filter, () =>
      follow({ analyzer: an.address, hostId: host, updatePolicy: partial }, filter),
    );
  }
  assert.ok(watchers.length >= 30, `${watchers.length} subscribers`);
  const status = await rest.status();
  assert.equal(Object.keys(status['Subscribers'] as object).length, watchers.length);

  // Every copy starts equal to its filter's result.
  for (const w of watchers)
    assert.deepEqual(w.replica().shape(), await expected(rest, w.filter), w.name);

  await pub.write(changes(writer));
  assert.deepEqual(
    pub.errors.map((m) => m.Obj),
    [],
  );

  const want = new Map<string | undefined, GraphShape>();
  for (const w of watchers)
    if (!want.has(w.filter)) want.set(w.filter, await expected(rest, w.filter));
  await eventually(
    () => {
      for (const w of watchers) assert.deepEqual(w.replica().shape(), want.get(w.filter), w.name);
    },
    { timeoutMs: 20_000 },
  );
  for (const w of watchers) {
    assert.deepEqual(w.replica().violations, [], w.name);
    assert.ok(w.replica().log.length > 0, `${w.name} received nothing: the workload misses it`);
  }
  // partial subscribers were sent ops, full ones whole elements
  const partialOne = watchers.find((w) => w.name === 'unfiltered partial');
  assert.ok((partialOne?.replica().counts.get(T.NodePartiallyUpdated) ?? 0) > 0);
  const fullOne = watchers.find((w) => w.name === 'unfiltered json');
  assert.equal(fullOne?.replica().counts.get(T.NodePartiallyUpdated) ?? 0, 0);
});
