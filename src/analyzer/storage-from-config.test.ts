// SPDX-License-Identifier: Apache-2.0
// The analyzer's storage settings from the configuration: defaults, PostgreSQL keys and URL, and the
// errors for a backend naming no section or a driver skydive-ts does not implement.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/index.js';
import { storageSettingsFromConfig } from './storage-from-config.js';

const settings = (overrides: Record<string, unknown>) =>
  storageSettingsFromConfig(loadConfig({ overrides, env: {}, hostname: 'h' }));

describe('storageSettingsFromConfig', () => {
  it('uses the embedded sqlite section with a week of retention by default', () => {
    const s = settings({});
    assert.deepEqual(s.topology, {
      name: 'sqlite',
      driver: 'sqlite',
      retention: { maxAgeMs: 604_800_000, maxBytes: 0 },
    });
    assert.equal(s.flow.driver, 'sqlite');
    assert.equal(s.flowMaxBufferSize, 100000);
  });

  it('maps the postgres keys, and a URL without the default host and database', () => {
    const s = settings({
      'storage.db': {
        driver: 'postgres',
        host: '/run/pg',
        password: 'pw',
        retention: { max_size: 2 },
      },
      'storage.url': {
        driver: 'postgres',
        url: 'postgres://u:p@h/d',
        ssl: true,
        ssl_insecure: true,
      },
      'analyzer.topology.backend': 'db',
      'analyzer.flow.backend': 'url',
    });
    assert.equal(s.topology.postgres?.host, '/run/pg');
    assert.equal(s.topology.postgres?.port, 5432);
    assert.equal(s.topology.postgres?.user, 'skydive');
    assert.equal(s.topology.postgres?.password, 'pw');
    assert.equal(s.topology.retention.maxBytes, 2 * 1024 * 1024);
    assert.equal(s.flow.postgres?.url, 'postgres://u:p@h/d');
    assert.equal(s.flow.postgres?.host, undefined);
    assert.equal(s.flow.postgres?.ssl, 'insecure');
  });

  it('names a backend without a section', () => {
    assert.throws(() => settings({ 'analyzer.flow.backend': 'nowhere' }), {
      code: 'SKY_ERR_CONFIG',
      message:
        /"analyzer\.flow\.backend" names storage "nowhere", which has no storage\.nowhere section/,
    });
  });

  it('refuses drivers skydive-ts does not implement', () => {
    assert.throws(() => settings({ 'analyzer.topology.backend': 'elasticsearch' }), {
      code: 'SKY_ERR_CONFIG',
      message: /driver "elasticsearch", which skydive-ts does not implement/,
    });
  });
});
