// SPDX-License-Identifier: Apache-2.0
// The agent's answer to Flow/TableQuery (§2.12) on a real CaptureManager: only the flows matching
// the SearchQuery's filter go back (raw packets with them), sorted, deduplicated and paged as it
// asks; tables excluded by their node TID are not read, malformed queries get 400 and are counted,
// a JSON-envelope query works too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Graph } from '../../graph/index.js';
import {
  decodeFlowSet,
  decodeTableReply,
  encodeTableQuery,
  type Flow,
  type FlowFilter,
} from '../../protocol/flow.js';
import { answerTableQuery, newTableQueryStats } from './index.js';
import { CaptureManager, type CaptureBackend } from './manager.js';

const logger = pino({ level: 'silent' });

function flowsOf(tid: string, captureID: string, n: number): Flow[] {
  return Array.from({ length: n }, (_, i) => ({
    UUID: `${tid}-${i}`,
    LayersPath: 'Ethernet/IPv4/ICMPv4',
    Network: { Protocol: 'IPV4' as const, A: '10.0.0.1', B: `10.0.0.${i + 2}`, ID: 0 },
    ICMP: { Type: 'ECHO' as const, ID: i },
    Start: 1000 + i,
    Last: 2000 + i,
    ParentUUID: '',
    NodeTID: tid,
    CaptureID: captureID,
    RawPacketsCaptured: 1,
    LastRawPackets: [{ Timestamp: 1000 + i, Index: 0, Data: Uint8Array.of(i, 1, 2), LinkType: 1 }],
  }));
}

async function setup() {
  const graph = new Graph({ host: 'h', origin: 'agent.h' });
  const a = graph.newNode({ Name: 'eth-a', Type: 'veth', TID: 'tid-a' });
  const b = graph.newNode({ Name: 'eth-b', Type: 'veth', TID: 'tid-b' });
  const reads: string[] = [];
  const backend: CaptureBackend = {
    types: ['afpacket'],
    async start(spec) {
      const flows = flowsOf(spec.nodeTID, spec.capture.UUID, spec.ifName === 'eth-a' ? 5 : 7);
      return {
        counters: () => ({ PacketsReceived: 0, PacketsDropped: 0, PacketsIfDropped: 0 }),
        flows: () => (reads.push(spec.ifName), flows),
        stop: async () => {},
      };
    },
  };
  const m = new CaptureManager({ graph, backend, logger, statsUpdateMs: 60_000 });
  for (const n of [a, b])
    await new Promise((resolve) =>
      m.handle(
        {
          Namespace: 'OnDemandCapture',
          Type: 'Start',
          UUID: 'u',
          Status: 200,
          Obj: { NodeID: n.id, Resource: { UUID: 'c1', GremlinQuery: 'G.V()' } },
        },
        resolve,
      ),
    );
  const stats = newTableQueryStats();
  const ask = (obj: unknown, type = 'TableQuery', maxBytes?: number) => {
    const r = answerTableQuery(m, { Type: type, Obj: obj }, stats, maxBytes);
    const reply = decodeTableReply(r.reply);
    return {
      status: r.status,
      replyStatus: reply.Status,
      error: r.error,
      bytes: r.reply.length,
      flows: reply.FlowSetBytes.flatMap((x) => decodeFlowSet(x).Flows),
    };
  };
  const query = (Filter?: FlowFilter) =>
    encodeTableQuery({ Type: 'SearchQuery', Query: Filter ? { Filter } : {} });
  return { m, ask, query, stats, reads };
}

describe('agent TableQuery answer', () => {
  it('sends only the flows of the queried node, and their raw packets', async () => {
    const s = await setup();
    try {
      const r = s.ask(s.query({ TermStringFilter: { Key: 'NodeTID', Value: 'tid-b' } }));
      assert.equal(r.status, 200);
      assert.equal(r.replyStatus, 200);
      assert.equal(r.flows.length, 7);
      assert.ok(r.flows.every((f) => f.NodeTID === 'tid-b'));
      assert.deepEqual(r.flows[3]!.LastRawPackets?.[0]?.Data, Uint8Array.of(3, 1, 2));
      assert.deepEqual(s.reads, ['eth-b'], 'the other table is not read');
      assert.deepEqual(s.stats, {
        queries: 1,
        rejected: 0,
        flowsScanned: 0,
        flowsSent: 7,
        capturesSkipped: 1,
        repliesTruncated: 0,
        flowsTruncated: 0,
      });
    } finally {
      await s.m.close();
    }
  });

  it('evaluates the rest of the filter flow by flow; no filter sends everything', async () => {
    const s = await setup();
    try {
      const both: FlowFilter = {
        BoolFilter: {
          Op: 1,
          Filters: [
            { TermStringFilter: { Key: 'NodeTID', Value: 'tid-a' } },
            { GteInt64Filter: { Key: 'ICMPV4.ID', Value: 3 } },
          ],
        },
      };
      assert.deepEqual(
        s.ask(s.query(both)).flows.map((f) => f.UUID),
        ['tid-a-3', 'tid-a-4'],
      );
      assert.equal(s.stats.flowsScanned, 5);
      assert.equal(s.ask(s.query()).flows.length, 12);
      const json = {
        Type: 'SearchQuery',
        Query: { Filter: { RegexFilter: { Key: 'UUID', Value: '-6$' } } },
      };
      assert.deepEqual(
        s.ask(json).flows.map((f) => f.UUID),
        ['tid-b-6'],
        'a JSON envelope carries the same query',
      );
      assert.equal(s.stats.flowsSent, 2 + 12 + 1);
      assert.equal(s.stats.queries, 3);
    } finally {
      await s.m.close();
    }
  });

  it('cuts a reply over the analyzers’ message limit to the flows that fit, and counts the rest', async () => {
    const s = await setup();
    try {
      const full = answerTableQuery(
        s.m,
        { Type: 'TableQuery', Obj: s.query() },
        newTableQueryStats(),
      );
      const limit = 1024 + Math.floor(full.reply.length / 2);
      const r = s.ask(s.query(), 'TableQuery', limit);
      assert.equal(r.status, 200);
      assert.equal(r.replyStatus, 206, 'the TableReply says it was cut');
      assert.equal(s.ask(s.query()).replyStatus, 200, 'a whole reply says 200');
      assert.ok(r.bytes <= limit - 1024, 'room left for the envelope');
      assert.ok(r.flows.length > 0 && r.flows.length < 12, `${r.flows.length} flows kept`);
      assert.match(
        r.error ?? '',
        new RegExp(`truncated to ${r.flows.length} of 12 .*max_body_size`),
      );
      assert.equal(s.stats.repliesTruncated, 1);
      assert.equal(s.stats.flowsTruncated, 12 - r.flows.length);
      assert.equal(s.stats.flowsSent, r.flows.length + 12);
      const tiny = s.ask(s.query(), 'TableQuery', 10);
      assert.equal(tiny.flows.length, 0, 'nothing fits: an empty FlowSet');
      assert.equal(s.stats.flowsTruncated, 12 - r.flows.length + 12);
    } finally {
      await s.m.close();
    }
  });

  it('sorts, dedups and pages as the SearchQuery asks, from protobuf bytes', async () => {
    const s = await setup();
    try {
      const bytes = (Query: object) => encodeTableQuery({ Type: 'SearchQuery', Query });
      const top = s.ask(
        bytes({ Sort: true, SortBy: 'Start', SortOrder: 2, PaginationRange: { From: 0, To: 3 } }),
      );
      assert.equal(top.status, 200);
      assert.deepEqual(
        top.flows.map((f) => f.Start),
        [1006, 1005, 1004],
      );
      const one = s.ask(bytes({ Dedup: true, DedupBy: 'NodeTID' }));
      assert.deepEqual(one.flows.map((f) => f.NodeTID).sort(), ['tid-a', 'tid-b']);
      assert.equal(s.stats.flowsSent, 3 + 2, 'only what the query kept is sent');
    } finally {
      await s.m.close();
    }
  });

  it('refuses malformed queries with 400 and counts them', async () => {
    const s = await setup();
    try {
      const bad = [
        s.ask(Uint8Array.of(0x12, 9, 1)),
        s.ask(encodeTableQuery({ Type: 'Other' })),
        s.ask(s.query({ TermStringFilter: { Key: 'a..b', Value: 'x' } })),
        s.ask(s.query({ RegexFilter: { Key: 'UUID', Value: '(' } })),
        s.ask('nope'),
        s.ask(s.query(), 'Bogus'),
      ];
      for (const r of bad) {
        assert.equal(r.status, 400, r.error);
        assert.equal(r.replyStatus, 400);
        assert.equal(r.flows.length, 0);
        assert.ok(r.error && r.error.length > 0);
      }
      assert.match(bad[2]!.error!, /a\.\.b/);
      assert.equal(s.stats.rejected, bad.length);
      assert.equal(s.stats.queries, 0);
    } finally {
      await s.m.close();
    }
  });
});
