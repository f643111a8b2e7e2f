// SPDX-License-Identifier: Apache-2.0
// StatusRegistry keys: the bare host ID first, then the lowest free `<host>#n`; removal by source.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusRegistry, type ConnStatus, type StatusSource } from './status.js';

const source = (port: number): StatusSource => ({
  status: (): ConnStatus => ({
    ServiceType: 'webui',
    ClientProtocol: 'json',
    Addr: '127.0.0.1',
    Port: port,
    IsConnected: true,
    ConnectTime: '2026-01-01T00:00:00.000Z',
    RemoteHost: 'h',
    RemoteServiceType: '',
  }),
});

const ports = (r: StatusRegistry) =>
  Object.fromEntries(Object.entries(r.snapshot('Subscribers')).map(([k, v]) => [k, v.Port]));

test('sources sharing an ID get distinct keys and keep them', () => {
  const r = new StatusRegistry();
  const [a, b, c, d] = [source(1), source(2), source(3), source(4)];
  assert.equal(r.add('Subscribers', 'h', a), 'h');
  assert.equal(r.add('Subscribers', 'h', b), 'h#2');
  assert.equal(r.add('Subscribers', 'h', c), 'h#3');
  assert.equal(r.add('Subscribers', 'h', b), 'h#2', 'adding twice moved a source');
  assert.equal(r.add('Publishers', 'h', d), 'h', 'sections share keys');
  r.remove('Subscribers', 'h', b);
  assert.deepEqual(ports(r), { h: 1, 'h#3': 3 });
  assert.equal(r.add('Subscribers', 'h', d), 'h#2', 'the lowest free key is taken again');
  r.remove('Subscribers', 'h', a);
  assert.deepEqual(ports(r), { 'h#3': 3, 'h#2': 4 });
  assert.equal(r.has('Subscribers', 'h'), false);
});

test('removing with a source that is not listed leaves the others alone', () => {
  const r = new StatusRegistry();
  const a = source(1);
  r.add('Agents', 'h', a);
  r.remove('Agents', 'h', source(2));
  assert.deepEqual(Object.keys(r.snapshot('Agents')), ['h']);
  r.remove('Agents', 'h');
  assert.deepEqual(r.snapshot('Agents'), {});
});

test('a host ID that looks like a suffixed key does not collide', () => {
  const r = new StatusRegistry();
  assert.equal(r.add('Subscribers', 'h#2', source(1)), 'h#2');
  assert.equal(r.add('Subscribers', 'h', source(2)), 'h');
  assert.equal(r.add('Subscribers', 'h', source(3)), 'h#3');
});
