// SPDX-License-Identifier: Apache-2.0
// pcapsocket: tcpdump inside a namespace writes its capture to our TCP listener (as a user would
// with `tcpdump -w - | nc`); a connection that is not a capture is refused without ending the source.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PcapSocketSource } from '../../src/capture/index.js';
import type { PacketBatch } from '../../src/flow/packet.js';
import { frames, ipProto, run, settle, vethPair, type VethPair } from './helpers/capture.js';
import { Scratch, isRoot } from './helpers/netns.js';

const isEcho = (f: Uint8Array) => ipProto(f) === 1 && (f[34] === 8 || f[34] === 0);

describe('pcapsocket source', { skip: !isRoot && 'needs root' }, () => {
  const scratch = new Scratch();
  let net: VethPair;
  before(() => {
    net = vethPair(scratch);
  });
  after(() => {
    scratch.cleanup();
    scratch.assertClean();
  });

  it('reads a live tcpdump stream, and survives a connection that is not a capture', async () => {
    const batches: PacketBatch[] = [];
    const src = new PcapSocketSource({ port: 0, sink: (b) => batches.push(b) });
    await src.start();
    try {
      const [host, port] = [src.address!.split(':')[0]!, Number(src.address!.split(':')[1])];

      const junk = connect(port, host);
      await new Promise((r) => junk.once('connect', r));
      junk.end('this is not a pcap stream');
      await settle(() => src.lastStreamError !== undefined);
      assert.match(src.lastStreamError ?? '', /not a pcap or pcapng stream/);
      assert.equal(src.stats().decodeErrors, 1);
      assert.equal(src.state, 'active');

      const dump = spawn(
        'ip',
        [
          'netns',
          'exec',
          net.nsA,
          'tcpdump',
          '-i',
          net.ifA,
          '--immediate-mode',
          '-U',
          '-w',
          '-',
          'icmp',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const sock = connect(port, host);
      dump.stdout.pipe(sock);
      try {
        await new Promise<void>((resolve) => {
          dump.stderr.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
        });
        await run(`ip netns exec ${net.nsA} ping -c 4 -i 0.2 -W 1 ${net.ipB}`);
        await settle(() => frames(batches).filter(isEcho).length >= 8);
      } finally {
        dump.kill('SIGINT');
        await new Promise((r) => dump.once('exit', r));
      }
      await settle(() => src.connections === 2 && src.stats().packets >= 8);
      assert.equal(frames(batches).filter(isEcho).length, 8);
      assert.equal(src.connections, 2);
      assert.equal(src.stats().decodeErrors, 1, 'the tcpdump stream was clean');
    } finally {
      await src.stop();
    }
    assert.equal(src.state, 'stopped');
  });
});
