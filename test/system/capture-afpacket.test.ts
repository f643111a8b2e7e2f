// SPDX-License-Identifier: Apache-2.0
// Live capture through libpcap (afpacket and pcap) on a veth inside a namespace, opened from the
// root namespace: ping, hping3 and iperf3 traffic, BPF filters, kernel drop counters, bad input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LinkType, type PacketBatch } from '../../src/flow/packet.js';
import { readCapture } from '../../src/flow/pcap/index.js';
import { haveTraces, tracesDir } from '../../src/flow/pcap/traces.test-util.js';
import { CaptureOpenError, LibpcapSource } from '../../src/capture/index.js';
import { frames, ipProto, run, settle, vethPair, type VethPair } from './helpers/capture.js';
import { Scratch, isRoot, sh } from './helpers/netns.js';

const ICMP = 1;
const TCP = 6;
const UDP = 17;

/** An ICMP echo request or reply (not the port-unreachable answers to UDP probes). */
const isEcho = (f: Uint8Array) => ipProto(f) === ICMP && (f[34] === 8 || f[34] === 0);

describe('libpcap capture sources', { skip: !isRoot && 'needs root' }, () => {
  const scratch = new Scratch();
  let net: VethPair;
  before(() => {
    net = vethPair(scratch);
  });
  after(() => {
    scratch.cleanup();
    scratch.assertClean();
  });

  async function capture(
    opts: { bpf?: string; kind?: 'afpacket' | 'pcap' },
    traffic: () => Promise<unknown>,
    done: (batches: PacketBatch[]) => boolean,
  ): Promise<{ batches: PacketBatch[]; src: LibpcapSource }> {
    const batches: PacketBatch[] = [];
    const src = new LibpcapSource({
      device: net.ifA,
      netns: net.nsA,
      sink: (b) => batches.push(b),
      ...opts,
    });
    await src.start();
    try {
      assert.equal(src.state, 'active');
      assert.equal(src.linkType, LinkType.ETHERNET);
      await traffic();
      await settle(() => done(batches));
    } finally {
      await src.stop();
    }
    assert.equal(src.state, 'stopped');
    return { batches, src };
  }

  const udpProbe = () =>
    run(`ip netns exec ${net.nsA} bash -c 'echo probe > /dev/udp/${net.ipB}/9999'`);

  it('captures a ping inside a namespace, and the UDP beside it', async () => {
    const { batches, src } = await capture(
      {},
      async () => {
        await run(`ip netns exec ${net.nsA} ping -c 3 -i 0.2 -W 1 ${net.ipB}`);
        await udpProbe();
      },
      (b) => frames(b).filter((f) => ipProto(f) === UDP).length >= 1,
    );
    const all = frames(batches);
    assert.equal(all.filter(isEcho).length, 6, '3 requests, 3 replies');
    assert.ok(all.some((f) => ipProto(f) === UDP));
    const st = src.stats();
    assert.equal(st.packets, all.length);
    assert.equal(st.kernelDrops, 0);
    assert.equal(st.batches, batches.length);
    assert.ok(batches.every((b) => b.count > 0 && b.timestamps[0]! > 1.6e15));
  });

  it('applies a BPF filter in the kernel (pcap type)', async () => {
    const { batches } = await capture(
      { bpf: 'icmp', kind: 'pcap' },
      async () => {
        await udpProbe();
        await run(`ip netns exec ${net.nsA} ping -c 2 -i 0.2 -W 1 ${net.ipB}`);
        await udpProbe();
      },
      (b) => frames(b).filter(isEcho).length >= 4,
    );
    const all = frames(batches);
    assert.equal(all.filter(isEcho).length, 4);
    // The UDP probes draw ICMP port-unreachable answers, which the filter lets through too.
    assert.ok(
      all.every((f) => ipProto(f) === ICMP),
      'only ICMP passes the filter',
    );
  });

  it('sees hping3 SYNs and the peer’s resets with a port filter', async () => {
    const { batches } = await capture(
      { bpf: 'tcp port 4242' },
      () =>
        run(`ip netns exec ${net.nsA} hping3 -S -p 4242 -c 3 -i u100000 ${net.ipB} 2>&1 || true`),
      (b) => frames(b).length >= 6,
    );
    const tcp = frames(batches).filter((f) => ipProto(f) === TCP);
    const flags = tcp.map((f) => f[14 + 20 + 13]!);
    assert.equal(flags.filter((x) => x === 0x02).length, 3, 'three SYNs');
    assert.equal(flags.filter((x) => (x & 0x04) !== 0).length, 3, 'three RSTs');
  });

  it('counts every iperf3 UDP datagram with no kernel drop', async () => {
    const port = 5201 + (parseInt(scratch.id, 16) % 500);
    let sent = 0;
    const { batches, src } = await capture(
      { bpf: `udp and dst port ${port}` },
      async () => {
        const server = run(`ip netns exec ${net.nsB} iperf3 -s -1 -p ${port}`);
        await new Promise((r) => setTimeout(r, 300));
        const out = await run(
          `ip netns exec ${net.nsA} iperf3 -c ${net.ipB} -p ${port} -u -b 20M -l 1000 -t 1 -J`,
        );
        await server;
        sent = (JSON.parse(out) as { end: { sum: { packets: number } } }).end.sum.packets;
      },
      (b) => sent > 0 && frames(b).length >= sent,
    );
    assert.ok(sent > 100, `iperf3 sent ${sent} datagrams`);
    // iperf3 also sends a few datagrams to set the stream up; every data datagram is captured.
    // Every data datagram is captured or counted as a kernel drop: none is lost silently.
    const data = frames(batches).filter((f) => f.length >= 1000).length;
    const st = src.stats();
    const why = `sent ${sent}, captured ${data}, stats ${JSON.stringify(st)}`;
    assert.ok(data <= sent && data + st.kernelDrops >= sent, why);
    assert.equal(st.packets, frames(batches).length);
  });

  for (const kind of ['afpacket', 'pcap'] as const)
    it(
      `${kind}: replayed shared captures arrive byte for byte, VLAN tags included`,
      {
        skip: !haveTraces && 'shared pcaptraces missing',
      },
      async () => {
        for (const file of [
          'icmp-vlan.pcap',
          'icmpv4-4vlanQinQ-id-8-10-20-30.pcap',
          'simple-tcpv4.pcap',
        ]) {
          const path = join(tracesDir, file);
          const want = frames(readCapture(readFileSync(path)).batches).map((f) =>
            Buffer.from(f).toString('hex'),
          );
          const batches: PacketBatch[] = [];
          const src = new LibpcapSource({
            kind,
            device: net.ifB,
            netns: net.nsB,
            sink: (b) => batches.push(b),
          });
          await src.start();
          try {
            await run(`ip netns exec ${net.nsA} tcpreplay -q -t -i ${net.ifA} ${path}`);
            const got = () => frames(batches).map((f) => Buffer.from(f).toString('hex'));
            await settle(() => want.every((w) => got().includes(w)));
            // The kernel takes the outer 802.1Q tag out of the frame; the source puts it back.
            for (const w of want)
              assert.ok(got().includes(w), `${file}: a frame differs or is missing`);
          } finally {
            await src.stop();
          }
        }
      },
    );

  it('ends in the error state when its interface is deleted', async () => {
    const ns = scratch.netns('g');
    const dev = scratch.name('g');
    sh(`ip -n ${ns} link add ${dev} type veth peer name ${dev}p && ip -n ${ns} link set ${dev} up`);
    const src = new LibpcapSource({ device: dev, netns: ns, sink: () => undefined });
    await src.start();
    try {
      sh(`ip -n ${ns} link del ${dev}`);
      await settle(() => src.state === 'error');
      assert.equal(src.state, 'error');
      assert.match(src.error ?? '', /is gone/);
    } finally {
      await src.stop();
    }
    assert.equal(src.state, 'error', 'stop() keeps the error');
  });

  it('refuses a device outside its namespace and a filter that does not compile', async () => {
    const wrongNs = new LibpcapSource({ device: net.ifA, sink: () => undefined });
    await assert.rejects(wrongNs.start(), CaptureOpenError);
    assert.equal(wrongNs.state, 'error');
    const badBpf = new LibpcapSource({
      device: net.ifA,
      netns: net.nsA,
      bpf: 'tcp port banana',
      sink: () => undefined,
    });
    await assert.rejects(badBpf.start(), /banana|syntax|port/);
    assert.equal(badBpf.state, 'error');
    const noNs = new LibpcapSource({
      device: 'lo',
      netns: `${net.nsA}-gone`,
      sink: () => undefined,
    });
    await assert.rejects(noNs.start(), /cannot open network namespace/);
  });
});
