// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/index.js';
import { redactSecrets, settingsFromConfig } from './settings-from-config.js';

describe('settingsFromConfig', () => {
  const config = loadConfig({
    overrides: {
      host_id: 'an1',
      'analyzer.listen': '0.0.0.0:9999',
      'analyzer.auth.api.backend': 'mine',
      'auth.mine.type': 'basic',
      'auth.mine.users': { bob: 'secret' },
      'analyzer.auth.cluster.password': 'p4ss',
    },
  });
  const s = settingsFromConfig(config);

  it('resolves the listen address, the auth section and the limits', () => {
    assert.deepEqual(s.listen, { host: '0.0.0.0', port: 9999 });
    assert.equal(s.auth.api.type, 'basic');
    assert.deepEqual(s.auth.api.users, { bob: 'secret' });
    assert.equal(s.auth.cluster.type, 'noauth');
    assert.equal(s.query.timeoutMs, 30_000);
    assert.equal(s.tls, undefined);
  });
  it('never serves secrets through configValue', () => {
    assert.equal(s.configValue('analyzer.listen'), '0.0.0.0:9999');
    assert.equal(s.configValue('auth.mine.users'), '<redacted>');
    assert.equal(s.configValue('analyzer.auth.cluster.password'), '<redacted>');
    const auth = s.configValue('auth') as Record<string, Record<string, unknown>>;
    assert.equal(auth['mine']!['users'], '<redacted>');
    assert.equal(auth['mine']!['type'], 'basic');
  });
  it('refuses an auth backend that is not defined', () => {
    const bad = loadConfig({ overrides: { 'analyzer.auth.api.backend': 'nope' } });
    assert.throws(() => settingsFromConfig(bad), { code: 'SKY_ERR_AUTH_CONFIG' });
  });
  it('refuses half a TLS setup', () => {
    const bad = loadConfig({ overrides: { 'tls.server_cert': '/x.pem' } });
    assert.throws(() => settingsFromConfig(bad), { code: 'SKY_ERR_TLS_CONFIG' });
  });
  it('redacts nested values only where the key says secret', () => {
    assert.deepEqual(redactSecrets('x', { a: 1, token: 't', n: [{ password: 'p' }] }), {
      a: 1,
      token: '<redacted>',
      n: [{ password: '<redacted>' }],
    });
  });
});
