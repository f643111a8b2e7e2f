// SPDX-License-Identifier: Apache-2.0
// sFlow from a real exporter: a userspace Open vSwitch bridge between two namespaces sends sFlow v5
// to our collector. Ping packets come back as sampled headers, interface counters as SFlow metadata,
// and the same datagrams (captured with tcpdump) decode to what tshark finds in them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SFlowSource } from '../../src/capture/index.js';
import { packetAt, type PacketBatch } from '../../src/flow/packet.js';
import { readCapture } from '../../src/flow/pcap/index.js';
import { SFlowDecoder, type SFlowMetadata } from '../../src/flow/sflow/index.js';
import { frames, ipProto, run, settle } from './helpers/capture.js';
import { Scratch, isRoot, sh } from './helpers/netns.js';
import { startOvs, type PrivateOvs } from './helpers/ovs.js';

describe('sFlow from Open vSwitch', { skip: !isRoot && 'needs root' }, () => {
  const scratch = new Scratch();
  let ovs: PrivateOvs | undefined;
  const n = 100 + (parseInt(scratch.id, 16) % 100);
  const ip = (host: number, net = 0) => `10.${n}.${net}.${host}`;

  before(() => {
    ovs = startOvs(scratch);
    const br = scratch.name('br');
    ovs.vsctl('add-br', br, '--', 'set', 'Bridge', br, 'datapath_type=netdev');
    // Two namespaces plugged into the bridge, and a link from the root namespace to the
    // exporter's namespace for the sFlow datagrams.
    for (const side of ['a', 'b']) {
      const ns = scratch.netns(side);
      const inner = scratch.name(`${side}i`);
      const port = scratch.name(`${side}p`);
      sh(
        `ip link add ${inner} netns ${ns} type veth peer name ${port} netns ${ovs.ns} && ` +
          `ip -n ${ns} addr add ${ip(side === 'a' ? 1 : 2)}/24 dev ${inner} && ` +
          `ip -n ${ns} link set ${inner} up && ip -n ${ovs.ns} link set ${port} up`,
      );
      ovs.vsctl('add-port', br, port);
    }
    const host = scratch.hostLink(scratch.name('h'));
    const exp = scratch.name('e');
    sh(
      `ip link add ${host} type veth peer name ${exp} netns ${ovs.ns} && ` +
        `ip addr add ${ip(1, 1)}/24 dev ${host} && ip link set ${host} up && ` +
        `ip -n ${ovs.ns} addr add ${ip(2, 1)}/24 dev ${exp} && ip -n ${ovs.ns} link set ${exp} up`,
    );
  });

  after(() => {
    ovs?.stop();
    scratch.cleanup();
    scratch.assertClean();
  });

  it('collects sampled ping packets and interface counters', async () => {
    const o = ovs!;
    const batches: PacketBatch[] = [];
    const metadata: SFlowMetadata[] = [];
    const src = new SFlowSource({
      bindAddress: ip(1, 1),
      port: 0,
      sink: (b) => batches.push(b),
      onCounters: (m) => metadata.push(m),
    });
    await src.start();
    const port = Number(src.address!.split(':')[1]);
    const pcap = join(o.dir, 'sflow.pcap');
    const dump = spawn(
      'tcpdump',
      ['-i', scratch.name('h'), '--immediate-mode', '-U', '-w', pcap, `udp port ${port}`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    try {
      await new Promise<void>((resolve) => {
        dump.stderr.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
      });
      const br = scratch.name('br');
      o.vsctl(
        '--',
        '--id=@s',
        'create',
        'sFlow',
        `agent=${scratch.name('e')}`,
        `target="${src.address}"`,
        'header=128',
        'sampling=1',
        'polling=1',
        '--',
        'set',
        'Bridge',
        br,
        'sflow=@s',
      );
      await run(`ip netns exec ${scratch.name('a')} ping -c 5 -i 0.2 -W 1 ${ip(2)}`);
      const echoes = () =>
        frames(batches).filter((f) => ipProto(f) === 1 && (f[34] === 8 || f[34] === 0)).length;
      await settle(() => echoes() >= 10 && metadata.some((m) => Object.keys(m.IfMetrics).length));
      assert.ok(echoes() >= 10, `sampled echo packets: ${echoes()}`);
      for (const b of batches)
        assert.deepEqual([...b.samplingRates!.subarray(0, b.count)], new Array(b.count).fill(1));
      const last = metadata.at(-1)!;
      assert.ok(Object.keys(last.IfMetrics).length >= 2, JSON.stringify(last));
      assert.ok((last.Metric['IfInUcastPkts'] ?? 0) + (last.Metric['IfOutUcastPkts'] ?? 0) > 0);
      const st = src.stats();
      assert.equal(st.decodeErrors, 0, src.decoder.lastError);
      assert.equal(st.kernelDrops, 0);
      assert.equal(src.decoder.stats.unknownSamples, 0);
    } finally {
      await src.stop();
      dump.kill('SIGINT');
      await new Promise((r) => dump.once('exit', r));
    }

    // The same datagrams through our decoder and through tshark.
    const read = readCapture(readFileSync(pcap));
    const dec = new SFlowDecoder();
    let frameLengths = 0;
    for (const b of read.batches)
      for (let i = 0; i < b.count; i++) dec.decode(packetAt(b, i).subarray(14 + 20 + 8), 0);
    for (const b of dec.take().batches)
      for (let i = 0; i < b.count; i++) frameLengths += b.wireLens[i]!;
    const fields = await run(
      `tshark -r ${pcap} -d udp.port==${port},sflow -T fields -E occurrence=a ` +
        `-e sflow_245.header.frame_length -e sflow_245.header.payload_stripped`,
    );
    const lengths: number[] = [];
    let stripped = 0;
    for (const line of fields.split('\n').filter(Boolean)) {
      const [frameCol = '', strippedCol = ''] = line.split('\t');
      lengths.push(...frameCol.split(',').filter(Boolean).map(Number));
      for (const v of strippedCol.split(',').filter(Boolean)) stripped += Number(v);
    }
    assert.ok(lengths.length >= 10, `tshark found ${lengths.length} raw packet headers`);
    assert.equal(dec.stats.packets, lengths.length, 'raw packet headers: ours vs tshark');
    const wire = lengths.reduce((a, b) => a + b, 0) - stripped;
    assert.equal(frameLengths, wire, 'frame lengths minus stripped bytes');
    assert.equal(dec.stats.malformed + dec.stats.badDatagrams, 0);
  });
});
