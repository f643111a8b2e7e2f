// SPDX-License-Identifier: Apache-2.0
// The agent's settings from the Skydive-style configuration: analyzers (file or SKYDIVE_ANALYZERS),
// probes with the always-on ones, the API auth backend, cluster credentials, TLS toward analyzers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/index.js';
import { agentSettingsFromConfig } from './settings.js';

const settings = (overrides: Record<string, unknown>, env: Record<string, string> = {}) =>
  agentSettingsFromConfig(loadConfig({ overrides, env, hostname: 'machine' }));

describe('agentSettingsFromConfig', () => {
  it('has Skydive’s defaults: 127.0.0.1:8081, standalone, ovsdb plus the always-on probes', () => {
    const s = settings({});
    assert.equal(s.hostID, 'machine');
    assert.deepEqual(s.listen, { host: '127.0.0.1', port: 8081 });
    assert.deepEqual(s.analyzers, []);
    assert.deepEqual(s.probes, ['ovsdb', 'hardware', 'netlink', 'netns']);
    assert.equal(s.auth.api.type, 'noauth');
    assert.equal(s.clientTls, undefined);
    assert.deepEqual(s.metadata, {});
  });

  it('reads SKYDIVE_ANALYZERS as a space-separated list, duplicates removed', () => {
    const s = settings({}, { SKYDIVE_ANALYZERS: '10.0.0.1:8082 10.0.0.2:8082 10.0.0.1:8082' });
    assert.deepEqual(s.analyzers, ['10.0.0.1:8082', '10.0.0.2:8082']);
  });

  it('takes cluster credentials, cookies, the API backend and agent.metadata', () => {
    const s = settings({
      'agent.auth.cluster.username': 'agent',
      'agent.auth.cluster.password': 'pw',
      'agent.auth.api.backend': 'mine',
      'auth.mine': { type: 'basic', users: { bob: 'x' } },
      'http.cookie': { route: 'a1' },
      'agent.metadata': { info: 'compute' },
      'agent.topology.probes': ['netns', 'docker'],
    });
    assert.deepEqual(s.cluster, { username: 'agent', password: 'pw', cookies: { route: 'a1' } });
    assert.equal(s.auth.api.name, 'mine');
    assert.equal(s.auth.api.type, 'basic');
    assert.deepEqual(s.metadata, { info: 'compute' });
    assert.deepEqual(s.probes, ['netns', 'docker', 'hardware', 'netlink']);
  });

  it('dials analyzers over TLS when a CA or client certificate is configured', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    const s = settings({ 'tls.ca_cert': join(dir, 'ca.pem') });
    assert.equal(s.clientTls?.ca?.toString(), 'CA');
    assert.throws(
      () => settings({ 'tls.ca_cert': join(dir, 'missing.pem') }),
      (err: Error & { code?: string }) => err.code === 'SKY_ERR_TLS_CONFIG',
    );
  });

  it('refuses an agent.metadata that is not a map', () => {
    assert.throws(
      () => settings({ 'agent.metadata': ['a'] }),
      (err: Error & { code?: string }) => err.code === 'SKY_ERR_AGENT_CONFIG',
    );
  });
});
