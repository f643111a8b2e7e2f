// SPDX-License-Identifier: Apache-2.0
// TLS end to end with a self-signed certificate made by openssl: tls.server_cert/server_key turn
// REST into https and WebSocket into wss for clients that trust the CA, the CLI works with
// --cacert (in process and as bin/skydive), and clients that do not trust it are refused.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ClientError, SkydiveClient, subscribe, type NodeJSON } from '../../src/client/index.js';
import { node, SIMPLE_FILE } from '../fixtures/topologies/simple.js';
import { parseOut, skydive, skydiveProcess } from './cli-runner.js';
import {
  closeLater,
  startTestAnalyzer,
  suiteTeardown,
  WAITS,
  type TestAnalyzer,
} from './helpers.js';

const teardown = suiteTeardown();
let an: TestAnalyzer;
let ca: string;

before(async () => {
  an = await startTestAnalyzer(teardown, { tls: true });
  ca = an.certificate?.ca ?? assert.fail('no certificate');
});

describe('REST over https', () => {
  test('the CLI imports and queries with --cacert', async () => {
    const imp = await skydive([
      'client',
      'topology',
      'import',
      '--file',
      SIMPLE_FILE,
      '--analyzer',
      an.address,
      '--cacert',
      ca,
    ]);
    assert.equal(imp.code, 0, imp.err);
    const q = await skydive([
      'client',
      'query',
      "G.V().Has('Type', 'netns').Values('Name')",
      '--analyzer',
      an.address,
      '--cacert',
      ca,
    ]);
    assert.equal(q.code, 0, q.err);
    assert.deepEqual(parseOut<string[]>(q).sort(), ['ns1', 'ns2']);
  });

  test('bin/skydive with --cacert', async () => {
    const r = await skydiveProcess([
      'client',
      'query',
      'G.V().Count()',
      '--analyzer',
      an.address,
      '--cacert',
      ca,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(parseOut<number>(r), 9);
  });

  test('the REST client with the CA', async () => {
    const client = an.client();
    assert.match(client.url, /^https:\/\//);
    assert.equal((await client.apiInfo()).Service, 'analyzer');
    assert.equal((await client.nodes(`G.V('${node.br0}')`))[0]?.Metadata['Name'], 'br0');
  });

  test('a client that does not trust the CA is refused, and so is plain http', async () => {
    const untrusting = new SkydiveClient({ analyzer: an.address, tls: {} });
    await assert.rejects(untrusting.status(), (e: unknown) => e instanceof ClientError);
    const cli = await skydive(['client', 'status', '--analyzer', an.address]);
    assert.equal(cli.code, 1);
    assert.match(cli.err, /^Error: /);
    const plain = new SkydiveClient({ analyzer: an.address });
    await assert.rejects(plain.status());
  });

  test('--insecure skips verification', async () => {
    const r = await skydive(['client', 'status', '--analyzer', an.address, '--insecure']);
    assert.equal(r.code, 0, r.err);
  });
});

describe('WebSocket over wss', () => {
  test('a subscriber trusting the CA syncs and sees updates', WAITS, async (t) => {
    const sub = closeLater(t, await subscribe(an.ws({ hostId: 'it-wss' })));
    assert.equal(sub.graph.Nodes.length, 9);
    await an
      .client()
      .patch('node', node.vethA1, [{ op: 'add', path: '/Metadata/Secure', value: true }]);
    for await (const m of sub.events)
      if (m.Type === 'NodeUpdated' && (m.Obj as NodeJSON).ID === node.vethA1) {
        assert.equal((m.Obj as NodeJSON).Metadata['Secure'], true);
        break;
      }
  });

  test('a subscriber without the CA cannot connect', async () => {
    await assert.rejects(
      subscribe({ analyzer: an.address, hostId: 'it-wss-untrusted', tls: {} }),
      (e: unknown) => e instanceof ClientError,
    );
  });
});
