// SPDX-License-Identifier: Apache-2.0
// The analyzer's UDP flow port (flow.protocol udp, Skydive agents' default): a datagram with a
// protobuf flow.Message on the analyzer's own port becomes a live flow; garbage is counted.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { before, describe, test } from 'node:test';
import { encodeFlowMessage } from '../../src/protocol/flow.js';
import { eventually, startTestAnalyzer, suiteTeardown, type TestAnalyzer } from './helpers.js';

const teardown = suiteTeardown();
let an: TestAnalyzer;

function send(bytes: Uint8Array): Promise<void> {
  const [host, port] = [
    an.address.slice(0, an.address.lastIndexOf(':')),
    Number(an.address.split(':').pop()),
  ];
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) =>
    s.send(bytes, port, host, (err) => {
      s.close();
      if (err) reject(err);
      else resolve();
    }),
  );
}

describe('UDP flow port', () => {
  before(async () => {
    an = await startTestAnalyzer(teardown, { logs: 'silent' });
  });

  test('a flow.Message datagram becomes a live flow; a bad one is counted', async () => {
    const now = Date.now();
    await send(
      encodeFlowMessage({
        Flows: [
          {
            UUID: 'udp-flow-1',
            LayersPath: 'Ethernet/IPv4/UDP',
            Application: 'UDP',
            Network: { Protocol: 'IPV4', A: '192.0.2.1', B: '192.0.2.2', ID: 0 },
            Transport: { Protocol: 'UDP', A: 5000, B: 53, ID: 0 },
            Metric: { ABPackets: 1, ABBytes: 60, BAPackets: 0, BABytes: 0, Start: now, Last: now },
            Start: now,
            Last: now,
            ParentUUID: '',
            NodeTID: 'tid-x',
            RawPacketsCaptured: 0,
          },
        ],
      }),
    );
    await send(new Uint8Array([0xff, 0xff, 0xff]));
    await eventually(async () => {
      const s = (await an.client().status()) as {
        Flows: { received: number; badMessages: number; UDP: string };
      };
      assert.equal(s.Flows.UDP, an.address);
      assert.equal(s.Flows.received, 1, 'received');
      assert.equal(s.Flows.badMessages, 1, 'garbage counted');
    });
    assert.deepEqual(await an.client().query("G.Flows().Values('Transport.B')"), [53]);
  });
});
