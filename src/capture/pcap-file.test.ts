// SPDX-License-Identifier: Apache-2.0
// PcapFileSource: a shared capture read from disk and from a chunked stream gives the same batches,
// progress reaches the file size, and a file that is not a capture ends in the error state.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { PacketBatch } from '../flow/packet.js';
import { haveTraces, tracesDir } from '../flow/pcap/traces.test-util.js';
import { PcapFileSource } from './pcap-file.js';

describe('PcapFileSource', { skip: !haveTraces && 'shared pcaptraces missing' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sktest-pcapfile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(tracesDir, 'icmpv4-symetric.pcap');

  it('reads a file to the end in batches, with progress', async () => {
    const batches: PacketBatch[] = [];
    const src = new PcapFileSource({ path: file, batchPackets: 64, sink: (b) => batches.push(b) });
    await src.start();
    await src.done;
    assert.equal(src.state, 'stopped');
    assert.deepEqual(
      batches.map((b) => b.count),
      [64, 64, 64, 8],
    );
    const st = src.stats();
    assert.equal(st.packets, 200);
    assert.equal(st.batches, 4);
    assert.equal(st.decodeErrors, 0);
    assert.equal(src.progress.bytes, readFileSync(file).length);
    assert.equal(src.progress.total, src.progress.bytes);
  });

  it('reads a stream of small chunks (an upload) the same way', async () => {
    const bytes = readFileSync(file);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 333) yield bytes.subarray(i, i + 333);
    }
    let packets = 0;
    const src = new PcapFileSource({ stream: chunks(), sink: (b) => (packets += b.count) });
    await src.start();
    await src.done;
    assert.equal(packets, 200);
  });

  it('counts damage and refuses what is not a capture', async () => {
    const truncated = join(dir, 'cut.pcap');
    writeFileSync(truncated, readFileSync(file).subarray(0, 1000));
    const cut = new PcapFileSource({ path: truncated, sink: () => undefined });
    await cut.start();
    await cut.done;
    assert.equal(cut.stats().decodeErrors, 1);
    assert.equal(cut.progress.damage[0]?.kind, 'truncated');

    const text = join(dir, 'text.pcap');
    writeFileSync(text, 'hello, this is not a capture\n');
    const bad = new PcapFileSource({ path: text, sink: () => undefined });
    await bad.start();
    await assert.rejects(bad.done, /not a pcap or pcapng stream/);
    assert.equal(bad.state, 'error');
    assert.equal(bad.stats().decodeErrors, 1);

    const missing = new PcapFileSource({ path: join(dir, 'nope.pcap'), sink: () => undefined });
    await assert.rejects(missing.start(), /ENOENT/);
    assert.equal(missing.state, 'error');
  });
});
