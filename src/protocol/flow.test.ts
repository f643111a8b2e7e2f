// SPDX-License-Identifier: Apache-2.0
// Flow messages: JSON shape (Go key order, omitempty, enums as names), protobuf round trips, and a
// flow.Message written byte by byte from the flow.proto field numbers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeFlowMessage,
  decodeFlowSet,
  decodeTableQuery,
  decodeTableReply,
  emptyTCPMetric,
  encodeFlowMessage,
  encodeFlowSet,
  encodeTableQuery,
  encodeTableReply,
  flowToJSON,
  statsToJSON,
  type Flow,
} from './flow.js';

const full: Flow = {
  UUID: 'b19e0a54df6a2006',
  LayersPath: 'Ethernet/IPv4/UDP/DNS',
  Application: 'DNS',
  Link: { Protocol: 'ETHERNET', A: '14:4f:8a:d7:59:3d', B: '40:9b:cd:d2:7b:11', ID: 10 },
  Network: { Protocol: 'IPV4', A: '10.0.0.12', B: '10.0.0.138', ID: 0 },
  Transport: { Protocol: 'UDP', A: 41278, B: 53, ID: 0 },
  ICMP: { Type: 'ECHO', ID: 23604 },
  DNS: {
    ID: 0x1234,
    QR: true,
    op_code: 'Query',
    RD: true,
    response_code: 'No Error',
    q_d_count: 1,
    a_n_count: 1,
    questions: [{ name: 'example.com', type: 'A', class: 'IN' }],
    answers: [
      { name: 'example.com', type: 'A', class: 'IN', TTL: 60, data_length: 4, IP: '93.184.216.34' },
    ],
    timestamp: { seconds: 1526468153, nanos: 643000000 },
  },
  DHCPv4: { hardware_len: 6, xid: 99, server_name: 'c2Vydg==' },
  VRRPv2: { version: 2, virtual_rtrID: 7, priority: 100, adver_int: 1 },
  LastUpdateMetric: { ABPackets: 1, ABBytes: 70, BAPackets: 0, BABytes: 0, Start: 5, Last: 6 },
  Metric: {
    ABPackets: 2,
    ABBytes: 140,
    BAPackets: 1,
    BABytes: 90,
    Start: 1526468153643,
    Last: 1526468154000,
    RTT: 123456,
  },
  TCPMetric: { ...emptyTCPMetric(), ABSynStart: 1000, ABSynTTL: 64, ABSegmentOutOfOrder: 2 },
  IPMetric: { Fragments: 3, FragmentErrors: 1 },
  Start: 1526468153643,
  Last: 1526468154000,
  TrackingID: '181ad6ecea69f1b3',
  L3TrackingID: '1a2a86685b29c35e',
  ParentUUID: 'aeea0b990a10c46',
  NodeTID: 'tid-1',
  CaptureID: 'cap-1',
  LastRawPackets: [
    { Timestamp: 1526468153643, Index: 1, Data: Uint8Array.of(1, 2, 3), LinkType: 1 },
  ],
  RawPacketsCaptured: 1,
  FinishType: 2,
};

test('flow JSON: Go key order, omitempty and always-present keys', () => {
  const j = flowToJSON({
    Start: 1111,
    Last: 222,
    ParentUUID: '',
    RawPacketsCaptured: 0,
    ICMP: { Type: 'ECHO' },
  });
  assert.deepEqual(Object.keys(j), ['ICMP', 'Start', 'Last', 'ParentUUID', 'RawPacketsCaptured']);
  assert.deepEqual(j.ICMP, { Type: 'ECHO' });
  const k = flowToJSON(full);
  assert.deepEqual(Object.keys(k), [
    'UUID',
    'LayersPath',
    'Application',
    'Link',
    'Network',
    'Transport',
    'ICMP',
    'DHCPv4',
    'DNS',
    'VRRPv2',
    'LastUpdateMetric',
    'Metric',
    'TCPMetric',
    'IPMetric',
    'Start',
    'Last',
    'TrackingID',
    'L3TrackingID',
    'ParentUUID',
    'NodeTID',
    'CaptureID',
    'RawPacketsCaptured',
    'FinishType',
  ]);
  assert.equal('LastRawPackets' in k, false);
  assert.deepEqual(k.Network, { Protocol: 'IPV4', A: '10.0.0.12', B: '10.0.0.138', ID: 0 });
  assert.deepEqual(k.ICMP, { Type: 'ECHO', ID: 23604 });
  assert.equal(k.FinishType, 2);
  assert.deepEqual(k.LastUpdateMetric, {
    ABPackets: 1,
    ABBytes: 70,
    BAPackets: 0,
    BABytes: 0,
    Start: 5,
    Last: 6,
  });
  const tcp = k.TCPMetric as Record<string, number>;
  assert.equal(tcp.ABSynTTL, 64);
  assert.equal('BASynTTL' in tcp, false);
  assert.equal(tcp.BAFinStart, 0);
  const dns = k.DNS as Record<string, unknown>;
  assert.equal('AA' in dns, false);
  assert.equal(dns.QR, true);
  assert.deepEqual(
    statsToJSON({
      FlowCount: 1,
      FlowDropped: 0,
      KernelFlowDropped: 0,
      PacketsDropped: 0,
      PacketsReceived: 5,
    }),
    {
      FlowCount: 1,
      FlowDropped: 0,
      KernelFlowDropped: 0,
      PacketsDropped: 0,
      PacketsReceived: 5,
    },
  );
});

test('flow.Message protobuf round trip keeps every field', () => {
  const stats = {
    CaptureID: 'cap-1',
    FlowCount: 3,
    FlowDropped: 1,
    KernelFlowDropped: 0,
    PacketsDropped: 2,
    PacketsReceived: 10,
  };
  const bytes = encodeFlowMessage({
    Flows: [full, { Start: 1, Last: 2, ParentUUID: '', RawPacketsCaptured: 0 }],
    Stats: stats,
  });
  const back = decodeFlowMessage(bytes);
  assert.equal(back.Flows.length, 2);
  assert.deepEqual(back.Flows[0], full);
  assert.deepEqual(back.Flows[1], { Start: 1, Last: 2, ParentUUID: '', RawPacketsCaptured: 0 });
  assert.deepEqual(back.Stats, stats);
});

test('FlowSet, TableQuery and TableReply round trips', () => {
  const fs = { Flows: [full], Start: 10, End: 20 };
  assert.deepEqual(decodeFlowSet(encodeFlowSet(fs)), fs);
  const q = { Type: 'SearchQuery', Query: { Filter: {} } };
  assert.deepEqual(decodeTableQuery(encodeTableQuery(q)), q);
  const r = { Status: 200, FlowSetBytes: [encodeFlowSet(fs), new Uint8Array(0)] };
  assert.deepEqual(decodeTableReply(encodeTableReply(r)), r);
});

test('decodes a flow.Message written by hand from the flow.proto numbers', () => {
  const str = (field: number, s: string) => [(field << 3) | 2, s.length, ...Buffer.from(s)];
  const metric = [0x10, 3, 0x18, 200, 1, 0x20, 1]; // ABPackets=3 ABBytes=200 BAPackets=1
  const network = [0x08, 1, ...str(3, '1.2.3.4'), ...str(4, '5.6.7.8'), 0x28, 9]; // IPV4, ID 9
  const transport = [0x08, 2, 0x10, 0x50, 0x18, 0xb9, 0x60]; // TCP 80 -> 12345
  const flow = [
    ...str(1, 'abc'),
    0x50,
    0xe8,
    0x07, // Start (10) = 1000
    0xaa,
    0x01,
    network.length,
    ...network, // Network (21)
    0xb2,
    0x01,
    transport.length,
    ...transport, // Transport (22)
    0x82,
    0x02,
    metric.length,
    ...metric, // Metric (32)
    0xe0,
    0x03,
    3, // FinishType (60) = TCP_RST
    0xf8,
    0x07,
    5, // unknown varint field 127: skipped
  ];
  const msg = Uint8Array.from([0x0a, flow.length, ...flow]);
  const f = decodeFlowMessage(msg).Flows[0];
  assert.ok(f);
  assert.equal(f.UUID, 'abc');
  assert.equal(f.Start, 1000);
  assert.deepEqual(f.Network, { Protocol: 'IPV4', A: '1.2.3.4', B: '5.6.7.8', ID: 9 });
  assert.deepEqual(f.Transport, { Protocol: 'TCP', A: 80, B: 12345, ID: 0 });
  assert.deepEqual(f.Metric, {
    ABPackets: 3,
    ABBytes: 200,
    BAPackets: 1,
    BABytes: 0,
    Start: 0,
    Last: 0,
  });
  assert.equal(f.FinishType, 3);
});

test('malformed bytes throw SKY_ERR_PROTOBUF instead of crashing', () => {
  assert.throws(() => decodeFlowMessage(Uint8Array.of(0x0a, 50, 1)), /invalid protobuf/);
  assert.throws(
    () => decodeFlowMessage(Uint8Array.of(0x08, 1)),
    (e: Error & { code?: string }) => e.code === 'SKY_ERR_PROTOBUF',
  );
});
