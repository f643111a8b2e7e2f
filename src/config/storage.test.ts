// SPDX-License-Identifier: Apache-2.0
// The storage sections: the embedded SQLite default, the PostgreSQL driver's keys and defaults,
// and clear errors for an unknown driver or a key the driver does not read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './load.js';

const load = (overrides: Record<string, unknown>, env: Record<string, string> = {}) =>
  loadConfig({ overrides, env, hostname: 'h' });

describe('storage configuration', () => {
  it('stores topology, resources and flows in the embedded SQLite section by default', () => {
    const c = load({});
    assert.equal(c.analyzer.topology.backend, 'sqlite');
    assert.equal(c.analyzer.flow.backend, 'sqlite');
    assert.deepEqual(c.storage['sqlite'], {
      driver: 'sqlite',
      retention: { age: 604800, max_size: 0 },
    });
    assert.equal(c.storage['postgres']?.port, 5432);
  });

  it('fills a user postgres section from the driver defaults and reads env variables', () => {
    const c = load(
      { 'storage.shared': { driver: 'postgres', host: 'db1', password: 'pw' } },
      { SKYDIVE_STORAGE_SHARED_PORT: '6543', SKYDIVE_ANALYZER_FLOW_BACKEND: 'shared' },
    );
    const s = c.storage['shared'];
    assert.equal(s?.host, 'db1');
    assert.equal(s?.port, 6543, 'an env string becomes an integer');
    assert.equal(s?.database, 'skydive');
    assert.equal(s?.max_connections, 10);
    assert.equal(c.analyzer.flow.backend, 'shared');
  });

  it('keeps memory selectable', () => {
    const c = load({ 'analyzer.topology.backend': 'memory', 'analyzer.flow.backend': 'memory' });
    assert.equal(c.analyzer.topology.backend, 'memory');
  });

  it('names an unknown driver and the drivers it knows', () => {
    assert.throws(() => load({ 'storage.x': { driver: 'sqlit' } }), {
      code: 'SKY_ERR_CONFIG',
      message: /storage\.x\.driver.*unknown driver "sqlit".*sqlite, postgres, memory/,
    });
  });

  it('rejects a key the driver does not read', () => {
    assert.throws(() => load({ 'storage.x': { driver: 'sqlite', hosts: ['a'] } }), {
      code: 'SKY_ERR_CONFIG',
      message: /"storage\.x\.hosts" is not read by the sqlite driver/,
    });
    assert.throws(() => load({ 'storage.sqlite.path': '/tmp/x.db' }), {
      message: /"storage\.sqlite\.path" is not read by the sqlite driver/,
    });
  });

  it('rejects retention values of the wrong type or sign', () => {
    assert.throws(() => load({ 'storage.sqlite.retention.age': 'week' }), {
      code: 'SKY_ERR_CONFIG',
      message: /storage\.sqlite\.retention\.age/,
    });
    assert.throws(() => load({ 'storage.sqlite.retention.max_size': -1 }), {
      code: 'SKY_ERR_CONFIG',
    });
  });

  it('still loads Skydive files with elasticsearch sections', () => {
    const c = load({ 'storage.myes': { driver: 'elasticsearch', hosts: ['http://es:9200'] } });
    assert.equal(c.storage['myes']?.index_prefix, 'skydive_');
  });
});
