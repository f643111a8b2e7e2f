// SPDX-License-Identifier: Apache-2.0
// `skydive flows FILE` as users run it (bin/skydive child processes): Skydive JSON of real traces,
// the table output, key modes, --bpf through tcpdump, stdin, damaged and unknown files.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SKYDIVE_BIN, parseOut, skydiveProcess, type CliResult } from './cli-runner.js';

const traces = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../fixtures/pcaptraces',
);
const trace = (name: string) => path.join(traces, name);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sktest-flows-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

type FlowJSON = Record<string, unknown> & {
  UUID: string;
  Start: number;
  TrackingID?: string;
  L3TrackingID?: string;
  Application?: string;
  ParentUUID: string;
  Metric?: Record<string, number>;
};

test('layer-key-mode.pcap: Skydive JSON with the flow-ids.md identifiers in both key modes', async () => {
  const l3 = parseOut<FlowJSON[]>(
    await skydiveProcess(['flows', trace('layer-key-mode.pcap'), '--layer-key-mode', 'L3']),
  );
  assert.equal(l3.length, 1);
  assert.equal(l3[0]!.UUID, 'b19e0a54df6a2006');
  assert.equal(l3[0]!.TrackingID, '9e42a86914a043b8');
  assert.deepEqual(Object.keys(l3[0]!).slice(0, 3), ['UUID', 'LayersPath', 'Application']);
  assert.equal(l3[0]!.ParentUUID, '');
  const l2 = parseOut<FlowJSON[]>(await skydiveProcess(['flows', trace('layer-key-mode.pcap')]));
  assert.deepEqual(l2.map((f) => f.TrackingID).sort(), ['6952cad8cd38c63c', 'a25d427a9f9dcdb8']);
  assert.ok(l2.every((f) => f.L3TrackingID === '9e42a86914a043b8'));
  assert.ok(l2[0]!.Start <= l2[1]!.Start, 'sorted by Start');
});

test('--node-tid changes UUIDs only; --extra-tcp-metric and --extra-layers add their fields', async () => {
  const plain = parseOut<FlowJSON[]>(await skydiveProcess(['flows', trace('dns.pcap')]));
  const tid = parseOut<FlowJSON[]>(
    await skydiveProcess([
      'flows',
      trace('dns.pcap'),
      '--node-tid',
      'tid-1',
      '--extra-layers',
      'DNS',
    ]),
  );
  assert.equal(plain.length, tid.length);
  assert.deepEqual(plain.map((f) => f.TrackingID).sort(), tid.map((f) => f.TrackingID).sort());
  assert.notDeepEqual(plain.map((f) => f.UUID).sort(), tid.map((f) => f.UUID).sort());
  assert.ok(tid.every((f) => f.NodeTID === 'tid-1'));
  assert.ok(tid.some((f) => f.DNS !== undefined) && plain.every((f) => f.DNS === undefined));
  const tcp = parseOut<FlowJSON[]>(
    await skydiveProcess(['flows', trace('simple-tcpv4.pcap'), '--extra-tcp-metric']),
  );
  assert.equal((tcp[0]!.TCPMetric as Record<string, number>).ABSynTTL, 64);
});

test('--output table lists proto, endpoints, packets, bytes, duration, TrackingID', async () => {
  const r = await skydiveProcess(['flows', trace('vxlan-src-port.pcap'), '--output', 'table']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.match(lines[0]!, /^PROTO\s+A -> B\s+PACKETS\s+BYTES\s+DURATION\s+TRACKING ID$/);
  assert.ok(
    lines.some((l) =>
      /^VXLAN\s+172\.16\.0\.1:\d+ -> 172\.16\.0\.2:4789\s+2\s+\d+\s+[\d.]+s\s+41c208dd8e419276$/.test(
        l,
      ),
    ),
    r.out,
  );
});

test('--bpf keeps the packets tcpdump matches (Skydive TestBPFFilter: 4 flows)', async () => {
  const all = parseOut<FlowJSON[]>(
    await skydiveProcess(['flows', trace('eth-ip4-arp-dns-req-http-google.pcap')]),
  );
  const some = parseOut<FlowJSON[]>(
    await skydiveProcess([
      'flows',
      trace('eth-ip4-arp-dns-req-http-google.pcap'),
      '--bpf',
      'port 53 or port 80',
    ]),
  );
  // Skydive tests/flow_test.go TestPCAPSocket / TestPcapInject: 6 flows, 2 of them DNS
  assert.equal(all.length, 6);
  assert.equal(all.filter((f) => f.Application === 'DNS').length, 2);
  assert.equal(some.length, 4);
  assert.ok(some.every((f) => f.Application !== 'ARP'));
  const bad = await skydiveProcess(['flows', trace('dns.pcap'), '--bpf', 'port or']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--bpf "port or".*syntax error/);
});

function withStdin(argv: string[], input: Uint8Array): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(SKYDIVE_BIN, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out, err }));
    child.stdin.end(input);
  });
}

test('"-" reads the capture from stdin, with and without --bpf', async () => {
  const bytes = readFileSync(trace('eth-ip4-arp-dns-req-http-google.pcap'));
  const r = await withStdin(['flows', '-'], bytes);
  assert.equal(parseOut<FlowJSON[]>(r).length, 6);
  const arp = await withStdin(['flows', '-', '--bpf', 'arp'], bytes);
  assert.deepEqual(
    parseOut<FlowJSON[]>(arp).map((f) => f.Application),
    ['ARP', 'ARP'],
  );
});

test('damaged packets are counted on stderr; unknown or missing files fail with exit code 1', async () => {
  const ntp = await skydiveProcess(['flows', trace('ntp-corrupted.pcap')]);
  assert.equal(ntp.code, 0);
  assert.equal(parseOut<FlowJSON[]>(ntp).length, 1);
  assert.match(ntp.err, /1 packets, 1 flows, 1 truncated packets/);
  const cut = path.join(tmp, 'cut.pcap');
  const whole = readFileSync(trace('simple-tcpv4.pcap'));
  writeFileSync(cut, whole.subarray(0, whole.length - 7));
  const c = await skydiveProcess(['flows', cut, '--verbose']);
  assert.equal(c.code, 0, c.err);
  assert.match(c.err, /damaged capture records/);
  assert.match(c.err, /offset \d+: truncated/);
  const junk = path.join(tmp, 'junk.pcap');
  writeFileSync(junk, 'this is not a capture at all');
  const j = await skydiveProcess(['flows', junk]);
  assert.equal(j.code, 1);
  assert.match(j.err, /not a pcap or pcapng stream/);
  const missing = await skydiveProcess(['flows', path.join(tmp, 'none.pcap')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /cannot read/);
  const mode = await skydiveProcess(['flows', trace('dns.pcap'), '--layer-key-mode', 'L4']);
  assert.equal(mode.code, 1);
});

test('--link-type raw decodes link-type-12.pcap as Skydive TestLinkType12 does', async () => {
  const f = parseOut<FlowJSON[]>(
    await skydiveProcess(['flows', trace('link-type-12.pcap'), '--link-type', 'raw']),
  );
  assert.equal(f.length, 1);
  assert.equal(f[0]!.LayersPath, 'IPv4/TCP');
  assert.equal(f[0]!.TrackingID, 'aeea0b990a10c46');
});

const haveEditcap = spawnSync('sh', ['-c', 'command -v editcap']).status === 0;

test(
  'pcapng input gives the same flows as the pcap it was converted from',
  { skip: !haveEditcap && 'editcap (wireshark-common) is not installed' },
  async () => {
    const ng = path.join(tmp, 'dns.pcapng');
    const conv = spawnSync('editcap', ['-F', 'pcapng', trace('dns.pcap'), ng]);
    assert.equal(conv.status, 0, String(conv.stderr));
    const a = parseOut<FlowJSON[]>(await skydiveProcess(['flows', trace('dns.pcap')]));
    const b = parseOut<FlowJSON[]>(await skydiveProcess(['flows', ng]));
    assert.deepEqual(b, a);
  },
);
