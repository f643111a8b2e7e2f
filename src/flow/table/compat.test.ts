// SPDX-License-Identifier: Apache-2.0
// Skydive compatibility: every validatePCAP case of Skydive's flow/flow_test.go (testdata), run
// through our reader, decoder and table, must find each expected flow with Skydive's compareFlow rules.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LinkType } from '../packet.js';
import { haveTraces } from '../pcap/traces.test-util.js';
import { flowsOf } from './flows-of.test-util.js';
import type { Flow } from '../../protocol/flow.js';
import type { FlowTableOptions } from './options.js';

interface Case {
  test: string;
  pcap: string;
  linkType: string;
  opts: { layerKeyMode?: 'L2' | 'L3'; extraLayers?: number; mplsUdpPorts?: number[] };
  expected: Record<string, unknown>[];
}

const cases = (
  JSON.parse(
    readFileSync(new URL('./testdata/skydive-flow-tests.json', import.meta.url), 'utf8'),
  ) as {
    cases: Case[];
  }
).cases;

type Obj = Record<string, unknown>;

function sameLayer(e: Obj | undefined, t: Obj | undefined): boolean {
  if (!e) return true;
  if (!t) return false;
  return (
    e.Protocol === t.Protocol &&
    (e.A ?? '') === (t.A ?? '') &&
    (e.B ?? '') === (t.B ?? '') &&
    (e.ID ?? 0) === (t.ID ?? 0)
  );
}

function sameTransport(e: Obj | undefined, t: Obj | undefined): boolean {
  if (!e) return true;
  if (!t) return false;
  return (
    e.Protocol === t.Protocol && (e.A ?? 0) === t.A && (e.B ?? 0) === t.B && (e.ID ?? 0) === t.ID
  );
}

function sameMetric(e: Obj | undefined, t: Obj | undefined): boolean {
  if (!e) return true;
  if (!t) return false;
  return ['ABPackets', 'ABBytes', 'BAPackets', 'BABytes'].every((k) => (e[k] ?? 0) === t[k]);
}

const DNS_NAMES: Record<string, string> = {
  OpCode: 'op_code',
  ResponseCode: 'response_code',
  QDCount: 'q_d_count',
  ANCount: 'a_n_count',
  NSCount: 'n_s_count',
  ARCount: 'a_r_count',
  Questions: 'questions',
  Answers: 'answers',
  Authorities: 'authorities',
  Additionals: 'additionals',
  Name: 'name',
  Type: 'type',
  Class: 'class',
  DataLength: 'data_length',
  CNAME: 'c_name',
  MName: 'm_name',
  RName: 'r_name',
  Serial: 'serial',
  Refresh: 'refresh',
  Retry: 'retry',
  Expire: 'expire',
  Minimum: 'minimum',
  Priority: 'priority',
  Weight: 'weight',
  Port: 'port',
  Preference: 'preference',
};

/** Expected DNS (Go names) → our JSON names, recursively. */
function dnsShape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dnsShape);
  if (v && typeof v === 'object') {
    const o: Obj = {};
    for (const [k, x] of Object.entries(v)) o[DNS_NAMES[k] ?? k] = dnsShape(x);
    return o;
  }
  return v;
}

function sameDNS(e: unknown, t: Flow['DNS']): boolean {
  if (!e || !t) return !e && !t;
  const exp = dnsShape(e) as Obj;
  const got = { ...t } as Obj;
  delete got.timestamp;
  for (const k of [
    'ID',
    'QR',
    'op_code',
    'RD',
    'RA',
    'z',
    'response_code',
    'q_d_count',
    'a_n_count',
    'n_s_count',
    'a_r_count',
  ])
    if ((exp[k] ?? 0) !== (got[k] ?? 0) && !(exp[k] === undefined && got[k] === false))
      return false;
  for (const k of ['questions', 'answers', 'authorities', 'additionals']) {
    try {
      assert.deepEqual(got[k] ?? null, exp[k] ?? null);
    } catch {
      return false;
    }
  }
  return true;
}

/** Skydive's compareFlow. */
function matches(e: Obj, f: Flow): boolean {
  if (e.LayersPath && e.LayersPath !== f.LayersPath) return false;
  if (e.Application && e.Application !== f.Application) return false;
  if (e.TrackingID && e.TrackingID !== f.TrackingID) return false;
  if (e.L3TrackingID && e.L3TrackingID !== f.L3TrackingID) return false;
  if (e.ParentUUID && e.ParentUUID !== f.ParentUUID) return false;
  if (!sameLayer(e.Link as Obj, f.Link as unknown as Obj)) return false;
  if (!sameLayer(e.Network as Obj, f.Network as unknown as Obj)) return false;
  if (!sameTransport(e.Transport as Obj, f.Transport as unknown as Obj)) return false;
  if (!sameMetric(e.Metric as Obj, f.Metric as unknown as Obj)) return false;
  if (!sameDNS(e.DNS, f.DNS)) return false;
  return true;
}

for (const c of cases) {
  test(
    `${c.test}: ${c.pcap}${c.opts.layerKeyMode ? ` (${c.opts.layerKeyMode})` : ''}`,
    { skip: !haveTraces },
    () => {
      const opts: FlowTableOptions = c.opts.layerKeyMode
        ? { layerKeyMode: c.opts.layerKeyMode }
        : {
            extraTCPMetric: true,
            reassembleTCP: true,
            ipDefrag: true,
            extraLayers: c.opts.extraLayers ?? 0,
          };
      if (c.opts.mplsUdpPorts) opts.mplsUdpPorts = c.opts.mplsUdpPorts;
      // Skydive's test opens link-type-12.pcap (header: Ethernet) as raw IP
      const flows = flowsOf(c.pcap, opts, c.linkType === 'Raw' ? LinkType.RAW : undefined);
      for (const e of c.expected) {
        const found = flows.some((f) => matches(e, f));
        assert.ok(
          found,
          `expected flow not found:\n${JSON.stringify(e)}\ngot:\n${flows.map((f) => JSON.stringify({ ...f, DNS: undefined })).join('\n')}`,
        );
      }
      // every parent chain ends at an outermost flow of the table (Skydive's validateAllParentChains)
      const byUUID = new Map(flows.map((f) => [f.UUID, f]));
      for (const f of flows) {
        let p = f;
        for (let i = 0; p.ParentUUID && i < 10; i++) {
          const parent = byUUID.get(p.ParentUUID);
          assert.ok(parent, `parent ${p.ParentUUID} of ${p.UUID} is in the table`);
          p = parent;
        }
      }
    },
  );
}
