// SPDX-License-Identifier: Apache-2.0
// POST /api/pcap over real sockets: `skydive client pcap FILE` streams a capture, the analyzer
// makes the same flows `skydive flows FILE` makes offline, streams them on /ws/subscriber/flow and
// stores them; bad input gets a clear 4xx.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { WsClient } from '../../src/client/index.js';
import { parseOut, skydive } from './cli-runner.js';
import {
  eventually,
  startTestAnalyzer,
  suiteTeardown,
  tempDir,
  type TestAnalyzer,
} from './helpers.js';

const TRACES = new URL('../fixtures/pcaptraces', import.meta.url).pathname;
const TRACE = path.join(TRACES, 'eth-ip4-arp-dns-req-http-google.pcap');
const teardown = suiteTeardown();
let an: TestAnalyzer;
const client = (...args: string[]) => skydive(['client', ...args, '--analyzer', an.address]);

describe('client pcap / POST /api/pcap', { skip: !existsSync(TRACE) && 'no pcaptraces' }, () => {
  before(async () => {
    an = await startTestAnalyzer(teardown, { logs: 'silent' });
  });

  test('the flows of an uploaded trace are those of skydive flows, streamed and stored', async () => {
    const offline = await skydive(['flows', TRACE]);
    assert.equal(offline.code, 0, offline.err);
    const expected = parseOut<{ UUID: string }[]>(offline);
    assert.ok(expected.length > 3, 'the trace has flows');

    const sub = new WsClient(an.ws({ path: '/ws/subscriber/flow' }));
    const streamed = new Set<string>();
    sub.on('message', (m) => {
      if (m.Namespace === 'flow') for (const f of m.Obj as { UUID: string }[]) streamed.add(f.UUID);
    });
    await sub.connect();
    teardown.after(() => sub.close());

    const r = await client('pcap', TRACE);
    assert.equal(r.code, 0, r.err);
    const result = parseOut<{ Format: string; Packets: number; Flows: number; Errors: number }>(r);
    assert.equal(result.Format, 'pcap');
    assert.ok(result.Packets > 0);
    assert.equal(result.Errors, 0);
    const uuids = new Set(expected.map((f) => f.UUID));
    await eventually(() =>
      assert.deepEqual([...streamed].sort(), [...uuids].sort(), 'streamed = offline flows'),
    );
    const store = an.context.stores?.flows;
    if (store) {
      await eventually(async () => {
        const stored = await store.search();
        assert.deepEqual(stored.map((f) => f.UUID).sort(), [...uuids].sort(), 'stored');
      });
    }
    // Uploaded flows are stored, not live.
    assert.equal(await an.client().query('G.Flows().Count()'), 0);
  });

  test('-t/--trace works as in Skydive; bad input is refused with a message', async () => {
    const dir = tempDir(teardown, 'sk-pcap-');
    const junk = path.join(dir, 'junk.pcap');
    writeFileSync(junk, 'this is not a capture at all');
    const bad = await client('pcap', '--trace', junk);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /not a pcap or pcapng stream/);
    const missing = await client('pcap', path.join(dir, 'nope.pcap'));
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /cannot read/);
    const empty = await fetch(`http://${an.address}/api/pcap`, { method: 'POST' });
    assert.equal(empty.status, 400);
  });
});

describe('POST /api/pcap size limit', () => {
  test('an upload over analyzer.flow.max_pcap_size is refused with 413', async () => {
    const small = await startTestAnalyzer(teardown, {
      logs: 'silent',
      overrides: { 'analyzer.flow.max_pcap_size': 1 },
    });
    // A valid pcap header followed by 2 MiB of records (streamed, no Content-Length).
    const header = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
    const record = Buffer.alloc(16 + 1000);
    record.writeUInt32LE(1000, 8);
    record.writeUInt32LE(1000, 12);
    async function* body() {
      yield header;
      for (let i = 0; i < 2100; i++) yield record;
    }
    const res = await fetch(`http://${small.address}/api/pcap`, {
      method: 'POST',
      body: ReadableStream.from(body()),
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
    assert.match(await res.text(), /SKY_ERR_PCAP_TOO_LARGE|larger than/);
  });
});
