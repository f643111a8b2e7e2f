// SPDX-License-Identifier: Apache-2.0
// /api/status when peers share a host ID across endpoints (/ws/subscriber and /ws/pubsub both list
// their peers under Subscribers): every connection is listed, the first under the bare host ID as
// Skydive shows it, the next ones under `<host>#2`…; keys stay put while their connection lives.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WsClient } from '../../src/client/index.js';
import { WsPath } from '../../src/protocol/index.js';
import { closeLater, eventually, startTestAnalyzer, type TestAnalyzer } from './helpers.js';

interface Conn {
  RemoteHost: string;
  Port: number;
  IsConnected: boolean;
}

async function section(an: TestAnalyzer, name: string): Promise<Record<string, Conn>> {
  return (await an.client().status())[name] as Record<string, Conn>;
}

test('two subscribers with one host ID are both in /api/status', async (t) => {
  const an = await startTestAnalyzer(t, { logs: 'silent' });
  const peer = (path: string) =>
    closeLater(t, new WsClient(an.ws({ path, hostId: 'twin', clientType: 'webui' })));
  const first = peer(WsPath.Subscriber);
  await first.connect();
  const second = peer(WsPath.PubSub);
  await second.connect();

  const subs = await section(an, 'Subscribers');
  assert.deepEqual(Object.keys(subs).sort(), ['twin', 'twin#2'], JSON.stringify(subs));
  assert.equal(subs['twin']?.RemoteHost, 'twin');
  assert.equal(subs['twin#2']?.RemoteHost, 'twin');
  assert.notEqual(subs['twin']?.Port, subs['twin#2']?.Port, 'both keys show one connection');
  assert.deepEqual(Object.keys(await section(an, 'Publishers')), ['twin']);
  const secondPort = subs['twin#2']!.Port;

  // The first one leaves: the second keeps its key; a newcomer takes the free bare host ID.
  await first.close();
  await eventually(async () => {
    const s = await section(an, 'Subscribers');
    assert.deepEqual(Object.keys(s), ['twin#2'], `first still listed: ${JSON.stringify(s)}`);
    assert.equal(s['twin#2']?.Port, secondPort);
  });
  const third = peer(WsPath.Subscriber);
  await third.connect();
  const after = await section(an, 'Subscribers');
  assert.deepEqual(Object.keys(after).sort(), ['twin', 'twin#2'], JSON.stringify(after));
  assert.equal(after['twin#2']?.Port, secondPort);

  // The pubsub peer leaves: its Subscribers and Publishers entries both go.
  await second.close();
  await eventually(async () => {
    assert.deepEqual(Object.keys(await section(an, 'Subscribers')), ['twin'], 'pubsub listed');
    assert.deepEqual(Object.keys(await section(an, 'Publishers')), [], 'pubsub publisher listed');
  });
});
