// SPDX-License-Identifier: Apache-2.0
// Per-subscriber delivery policies over real sockets: X-Update-Policy partial (NodePartiallyUpdated
// and EdgePartiallyUpdated with the Ops of a REST PATCH) next to a full subscriber, and /ws/pubsub
// not echoing a peer's own publications back to it, filtered or not.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  subscribe,
  WsClient,
  type MessageStream,
  type WsClientOptions,
} from '../../src/client/index.js';
import {
  GraphMessageType as T,
  Namespace,
  WsPath,
  newStructMessage,
  type EdgeJSON,
  type NodeJSON,
  type PartiallyUpdatedMsg,
  type StructMessage,
} from '../../src/protocol/index.js';
import { edge, node, simpleGraph } from '../fixtures/topologies/simple.js';
import {
  closeLater,
  startTestAnalyzer,
  suiteTeardown,
  WAITS,
  type TestAnalyzer,
} from './helpers.js';

const teardown = suiteTeardown();
let an: TestAnalyzer;

const graphMsg = (type: string, obj: unknown) => newStructMessage(Namespace.Graph, type, obj);

/** Reads `events` until `match` holds; resolves with that message. */
async function waitFor(
  events: MessageStream<StructMessage>,
  match: (m: StructMessage) => boolean,
): Promise<StructMessage> {
  for await (const m of events) if (match(m)) return m;
  throw new Error('stream ended before the expected message');
}

const about = (type: string, id: string) => (m: StructMessage) =>
  m.Type === type && (m.Obj as { ID?: string } | null)?.ID === id;

before(async () => {
  an = await startTestAnalyzer(teardown);
  const g = simpleGraph();
  const pub = new WsClient(an.ws({ path: WsPath.Publisher, hostId: 'it-import' }));
  await pub.connect();
  await pub.publish([
    ...(g.Nodes ?? []).map((n) => graphMsg(T.NodeAdded, n)),
    ...(g.Edges ?? []).map((e) => graphMsg(T.EdgeAdded, e)),
  ]);
  await pub.request(graphMsg(T.SyncRequest, {}));
  await pub.close();
});

describe('X-Update-Policy: partial', () => {
  test(
    'a PATCH reaches a partial subscriber as Ops, a full one as the whole node',
    WAITS,
    async (t) => {
      const partial = closeLater(
        t,
        await subscribe(an.ws({ hostId: 'it-partial', partial: true })),
      );
      const full = closeLater(t, await subscribe(an.ws({ hostId: 'it-full' })));
      const rest = an.client();
      await rest.patch('node', node.eth0, [
        { op: 'add', path: '/Metadata/Speed', value: 10_000 },
        { op: 'remove', path: '/Metadata/State' },
      ]);

      const p = await waitFor(partial.events, about(T.NodePartiallyUpdated, node.eth0));
      const body = p.Obj as PartiallyUpdatedMsg;
      assert.equal(body.Revision, 2);
      assert.ok(body.UpdatedAt > 0);
      const ops = [...(body.Ops ?? [])].sort((a, b) => a.Key.localeCompare(b.Key));
      assert.deepEqual(ops, [
        { Type: 1, Key: 'Speed', Value: 10_000 },
        { Type: 2, Key: 'State' },
      ]);

      const f = await waitFor(full.events, about(T.NodeUpdated, node.eth0));
      const n = f.Obj as NodeJSON;
      assert.equal(n.Metadata['Speed'], 10_000);
      assert.equal('State' in n.Metadata, false);
      assert.equal(n.Revision, 2);
    },
  );

  test(
    'edges too, and a filtered partial subscriber gets ops for what it keeps',
    WAITS,
    async (t) => {
      const filter = "G.E().Has('RelationType', 'layer2').SubGraph()";
      const sub = closeLater(
        t,
        await subscribe(an.ws({ hostId: 'it-partial-filtered', partial: true, filter })),
      );
      assert.equal(sub.graph.Edges.length, 4);
      const rest = an.client();
      // outside the filter: nothing may arrive about it before the next message
      await rest.patch('edge', edge.hostA_eth0, [{ op: 'add', path: '/Metadata/Cost', value: 1 }]);
      await rest.patch('edge', edge.br0_vethA0, [{ op: 'add', path: '/Metadata/VLAN', value: 10 }]);
      const m = await waitFor(sub.events, () => true);
      assert.equal(m.Type, T.EdgePartiallyUpdated);
      assert.deepEqual(m.Obj, {
        ID: edge.br0_vethA0,
        UpdatedAt: (m.Obj as PartiallyUpdatedMsg).UpdatedAt,
        Revision: 2,
        Ops: [{ Type: 1, Key: 'VLAN', Value: 10 }],
      });
    },
  );

  test('a publisher NodePartiallyUpdated is relayed with its Ops', WAITS, async (t) => {
    const partial = closeLater(
      t,
      await subscribe(an.ws({ hostId: 'it-partial-2', partial: true })),
    );
    const pub = closeLater(t, new WsClient(an.ws({ path: WsPath.Publisher, hostId: 'it-pub-2' })));
    await pub.connect();
    const [current] = await an.client().nodes(`G.V('${node.vethB1}')`);
    const revision = (current?.Revision ?? 0) + 1;
    const ops = [{ Type: 1, Key: 'Neighbors.count', Value: 2 }];
    await pub.send(
      graphMsg(T.NodePartiallyUpdated, {
        ID: node.vethB1,
        UpdatedAt: Date.now(),
        Revision: revision,
        Ops: ops,
      }),
    );
    const m = await waitFor(partial.events, about(T.NodePartiallyUpdated, node.vethB1));
    assert.deepEqual((m.Obj as PartiallyUpdatedMsg).Ops, ops);
    assert.equal((m.Obj as PartiallyUpdatedMsg).Revision, revision);
  });
});

describe('/ws/pubsub', () => {
  /** A pubsub peer that records everything it receives. */
  async function peer(t: { after(fn: () => unknown): void }, opts: WsClientOptions) {
    const ws = closeLater(t, new WsClient(an.ws({ path: WsPath.PubSub, ...opts })));
    const got: StructMessage[] = [];
    ws.on('message', (m: StructMessage) => got.push(m));
    await ws.connect();
    /** Resolves once a received message matches (now or later). */
    const received = async (match: (m: StructMessage) => boolean): Promise<void> => {
      if (got.some(match)) return;
      await waitFor(ws.messages(), match);
    };
    return { ws, got, received };
  }

  const device = (id: string, name: string): NodeJSON => ({
    ID: id,
    Metadata: { Name: name, Type: 'device' },
    Host: 'it',
    Origin: '',
    CreatedAt: Date.now(),
    UpdatedAt: Date.now(),
    DeletedAt: null,
    Revision: 1,
  });

  test(
    'a filtered peer that writes, then asks for a SyncReply, finds its write in it',
    WAITS,
    async (t) => {
      const filter = "G.V().Has('Type', 'device').SubGraph()";
      const a = await peer(t, { hostId: 'it-ps-sync', gremlinFilter: filter });
      const mine = device('mine-sync', 'mine-sync');
      await a.ws.send(graphMsg(T.NodeAdded, mine));
      // same socket, so the analyzer applies the write before it answers the request
      const reply = await a.ws.request(graphMsg(T.SyncRequest, {}));
      const ids = (reply.Obj as { Nodes: NodeJSON[] }).Nodes.map((n) => n.ID);
      assert.ok(ids.includes(mine.ID), `SyncReply without the peer's own write: ${ids.join(', ')}`);
    },
  );

  for (const filter of [undefined, "G.V().Has('Type', 'device').SubGraph()"]) {
    test(
      `a peer's own writes are not echoed (${filter ? 'filtered' : 'unfiltered'})`,
      WAITS,
      async (t) => {
        const suffix = filter ? 'f' : 'u';
        const a = await peer(t, { hostId: `it-ps-a-${suffix}`, gremlinFilter: filter });
        const b = await peer(t, { hostId: `it-ps-b-${suffix}`, gremlinFilter: filter });
        // A publishes; a SyncRequest answered after its writes shows they were applied
        const mine = device(`mine-${suffix}`, `mine-${suffix}`);
        await a.ws.send(graphMsg(T.NodeAdded, mine));
        await a.ws.send(
          graphMsg(T.NodeUpdated, { ...mine, Metadata: { ...mine.Metadata, MTU: 1 }, Revision: 2 }),
        );
        const link: EdgeJSON = {
          ...device(`link-${suffix}`, ''),
          Metadata: { RelationType: 'ownership' },
          Parent: node.hostA,
          Child: mine.ID,
        };
        await a.ws.send(graphMsg(T.EdgeAdded, link));
        await a.ws.request(graphMsg(T.SyncRequest, {}));
        assert.equal((await an.client().nodes(`G.V('${mine.ID}')`))[0]?.Metadata['MTU'], 1);

        // B publishes afterwards: A's copy of B's write is the barrier
        const theirs = device(`theirs-${suffix}`, `theirs-${suffix}`);
        await b.ws.send(graphMsg(T.NodeAdded, theirs));
        await a.received(about(T.NodeAdded, theirs.ID));
        const aboutMine = a.got.filter((m) => {
          const o = m.Obj as { ID?: string } | null;
          return o?.ID === mine.ID || o?.ID === link.ID;
        });
        assert.deepEqual(aboutMine, [], 'A received its own writes');
        // B did get A's writes, and not its own
        await b.received(about(T.NodeAdded, mine.ID));
        assert.equal(b.got.filter(about(T.NodeAdded, theirs.ID)).length, 0);
      },
    );
  }
});
