// SPDX-License-Identifier: Apache-2.0
// Tests of NextHop: longest prefix match, gateways resolved through Neighbors, on-link routes,
// the default route, several tables, and the JSON shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuerySyntaxError } from '../../graph/errors.js';
import { Graph } from '../../graph/graph.js';
import { GremlinEngine } from '../engine.js';
import { toJSON } from '../json.js';
import { eth0 } from '../testing/fixture.js';
import { run } from '../testing/helpers.js';

const hop = async (ip: string, g?: Graph): Promise<unknown> =>
  toJSON(await run(`G.V().NextHop('${ip}')`, g));

describe('#NextHop', () => {
  it('uses the longest matching prefix and resolves the gateway MAC', async () => {
    assert.deepEqual(await hop('10.1.9.9'), [
      { [eth0]: { Priority: 100, IP: '192.168.1.254', MAC: 'aa:bb:cc:00:00:fe', IfIndex: 2 } },
    ]);
    assert.deepEqual(
      await hop('10.1.2.3'),
      [{ [eth0]: { Priority: 50, IP: '192.168.1.253', IfIndex: 2 } }],
      'no MAC when the gateway is not a neighbor',
    );
  });

  it('falls back to the default route', async () => {
    assert.deepEqual(await hop('8.8.8.8'), [
      { [eth0]: { Priority: 0, IP: '192.168.1.1', MAC: 'aa:bb:cc:00:00:01', IfIndex: 2 } },
    ]);
  });

  it('on-link: the destination itself, its MAC from Neighbors', async () => {
    assert.deepEqual(await hop('192.168.1.20'), [
      { [eth0]: { Priority: 0, IP: '192.168.1.20', MAC: 'aa:bb:cc:00:00:14', IfIndex: 2 } },
    ]);
    assert.deepEqual(await hop('192.168.1.99'), [
      { [eth0]: { Priority: 0, IP: '192.168.1.99', IfIndex: 2 } },
    ]);
  });

  it('is an empty array when no node has a route', async () => {
    assert.deepEqual(await hop('fe80::1'), []);
    assert.deepEqual(toJSON(await run("G.V().Has('Type', 'netns').NextHop('8.8.8.8')")), []);
  });

  it('tries the tables in order and skips routes without next hops', async () => {
    const g = new Graph();
    g.newNode(
      {
        Name: 'r',
        RoutingTables: [
          { ID: 1, Routes: [{ Prefix: '10.0.0.0/8', NextHops: [] }] },
          {
            ID: 2,
            Routes: [
              {
                Prefix: '10.0.0.0/8',
                NextHops: [{ IfIndex: 4 }, { IP: '10.9.9.9', IfIndex: 5, Priority: 3 }],
              },
            ],
          },
          {
            ID: 3,
            Routes: [{ Prefix: '10.0.0.0/24', NextHops: [{ IP: '10.0.0.254', IfIndex: 6 }] }],
          },
        ],
      },
      { id: 'r' },
    );
    assert.deepEqual(await hop('10.0.0.1', g), [
      { r: { Priority: 3, IP: '10.9.9.9', IfIndex: 5 } },
    ]);
  });

  it('treats a route without Prefix as the default and supports IPv6', async () => {
    const g = new Graph();
    g.newNode(
      {
        Name: 'r6',
        RoutingTables: [
          {
            Routes: [
              { NextHops: [{ IP: 'fe80::1', IfIndex: 3 }] },
              { Prefix: '2001:db8::/32', NextHops: [{ IfIndex: 7 }] },
            ],
          },
        ],
        Neighbors: [{ IP: 'fe80::1', MAC: 'aa:aa:aa:aa:aa:aa' }],
      },
      { id: 'r6' },
    );
    assert.deepEqual(await hop('2001:db8::5', g), [
      { r6: { Priority: 0, IP: '2001:db8::5', IfIndex: 7 } },
    ]);
    assert.deepEqual(await hop('2a00::1', g), [
      { r6: { Priority: 0, IP: 'fe80::1', MAC: 'aa:aa:aa:aa:aa:aa', IfIndex: 3 } },
    ]);
  });

  it('ignores malformed metadata', async () => {
    const g = new Graph();
    g.newNode({ RoutingTables: 'x' }, { id: 'a' });
    g.newNode(
      { RoutingTables: [1, { Routes: [2, { Prefix: 'bad', NextHops: [{}] }] }] },
      { id: 'b' },
    );
    assert.deepEqual(await hop('10.0.0.1', g), []);
  });

  it('needs one valid IP address', () => {
    const engine = new GremlinEngine();
    assert.throws(() => engine.parse('G.V().NextHop()'), QuerySyntaxError);
    assert.throws(
      () => engine.parse("G.V().NextHop('x')"),
      (e: unknown) => e instanceof QuerySyntaxError && e.position === 14,
    );
    assert.throws(() => engine.parse('G.V().NextHop(1)'), QuerySyntaxError);
  });

  it('is a custom value that core steps reject', async () => {
    await assert.rejects(run("G.V().NextHop('8.8.8.8').Count()"), (e: unknown) => {
      assert.equal((e as { code: string }).code, 'SKY_ERR_QUERY_INVALID_STEP_INPUT');
      assert.match((e as Error).message, /nexthops/);
      return true;
    });
  });
});
