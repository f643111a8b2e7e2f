// SPDX-License-Identifier: Apache-2.0
// Tests of SKYDIVE_* environment mapping: names with `_` inside keys (host_id), lists, coercion,
// user-chosen section names, precedence and ignored variables.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, listConfigKeys, loadConfig, resolveEnvName } from './index.js';

const fromEnv = (env: Record<string, string | undefined>, yaml?: string) =>
  loadConfig({ env, hostname: 'h', ...(yaml === undefined ? {} : { files: ['-'], stdin: yaml }) });

describe('#resolveEnvName', () => {
  const cases: [string, string | undefined][] = [
    ['SKYDIVE_HOST_ID', 'host_id'],
    ['SKYDIVE_ANALYZER_LISTEN', 'analyzer.listen'],
    ['SKYDIVE_ANALYZERS', 'analyzers'],
    ['SKYDIVE_FLOW_PROTOCOL', 'flow.protocol'],
    ['SKYDIVE_LOGGING_LEVEL', 'logging.level'],
    ['SKYDIVE_HTTP_WS_PING_DELAY', 'http.ws.ping_delay'],
    ['SKYDIVE_AGENT_TOPOLOGY_NETNS_RUN_PATH', 'agent.topology.netns.run_path'],
    ['SKYDIVE_AGENT_TOPOLOGY_DOCKER_NETNS_RUN_PATH', 'agent.topology.docker.netns.run_path'],
    ['SKYDIVE_ANALYZER_AUTH_CLUSTER_USERNAME', 'analyzer.auth.cluster.username'],
    ['SKYDIVE_ANALYZER_QUERY_MAX_RESULTS', 'analyzer.query.max_results'],
    ['SKYDIVE_AUTH_MYBASIC_TYPE', 'auth.mybasic.type'],
    ['SKYDIVE_AUTH_MYBASIC_USERS_BOB', 'auth.mybasic.users.bob'],
    ['SKYDIVE_STORAGE_MYES_DRIVER', 'storage.myes.driver'],
    ['SKYDIVE_FLOW_APPLICATION_TIMEOUT_DNS', 'flow.application_timeout.dns'],
    ['SKYDIVE_UI_THEME', 'ui.theme'],
    ['SKYDIVE_ANALYZER', undefined],
    ['SKYDIVE_USERNAME', undefined],
    ['SKYDIVE_NOPE', undefined],
    ['OTHER_HOST_ID', undefined],
  ];
  for (const [name, key] of cases) {
    it(`${name} → ${key ?? 'nothing'}`, () => {
      assert.equal(resolveEnvName(name, {})?.join('.'), key);
    });
  }

  it('prefers user-chosen names that exist in the configuration', () => {
    const tree = { auth: { my_basic: {}, my: {} } };
    assert.deepEqual(resolveEnvName('SKYDIVE_AUTH_MY_BASIC_TYPE', tree), [
      'auth',
      'my_basic',
      'type',
    ]);
    assert.deepEqual(
      resolveEnvName('SKYDIVE_AUTH_MY_BASIC_USERS_A', { auth: { 'my-basic': {} } }),
      ['auth', 'my-basic', 'users', 'a'],
    );
  });

  it('maps every documented key to a distinct variable', () => {
    const seen = new Map<string, string>();
    for (const k of listConfigKeys()) {
      if (k.env === '') continue;
      assert.equal(
        seen.get(k.env),
        undefined,
        `${k.env} names both ${seen.get(k.env)} and ${k.key}`,
      );
      seen.set(k.env, k.key);
      if (!k.path.includes('*')) assert.equal(resolveEnvName(k.env, {})?.join('.'), k.key);
    }
    assert.ok(seen.size > 100);
  });
});

describe('#loadConfig env', () => {
  it('sets host_id, listen addresses and space-separated lists', () => {
    const c = fromEnv({
      SKYDIVE_HOST_ID: 'agent-7',
      SKYDIVE_ANALYZER_LISTEN: '0.0.0.0:8082',
      SKYDIVE_ANALYZERS: '10.0.0.1:8082 10.0.0.2:8082',
      SKYDIVE_AGENT_TOPOLOGY_PROBES: ' docker  lldp ',
    });
    assert.equal(c.host_id, 'agent-7');
    assert.equal(c.etcd.name, 'agent-7');
    assert.equal(c.analyzer.listen, '0.0.0.0:8082');
    assert.deepEqual(c.analyzers, ['10.0.0.1:8082', '10.0.0.2:8082']);
    assert.deepEqual(c.agent.topology.probes, ['docker', 'lldp']);
  });

  it('coerces numbers and booleans by the key type', () => {
    const c = fromEnv({
      SKYDIVE_HTTP_WS_PING_DELAY: '7',
      SKYDIVE_HTTP_WS_ENABLE_WRITE_COMPRESSION: 'false',
      SKYDIVE_TLS_REQUIRE_CLIENT_CERT: 'TRUE',
      SKYDIVE_FLOW_APPLICATION_TIMEOUT_DNS: '3',
    });
    assert.equal(c.http.ws.ping_delay, 7);
    assert.equal(c.http.ws.enable_write_compression, false);
    assert.equal(c.tls.require_client_cert, true);
    assert.deepEqual(c.flow.application_timeout, { arp: 10, dns: 3 });
  });

  it('wins over files and loses to overrides', () => {
    const yaml = 'analyzer:\n  listen: 1.1.1.1:1\nflow:\n  expire: 10\n';
    const c = loadConfig({
      files: ['-'],
      stdin: yaml,
      env: { SKYDIVE_FLOW_EXPIRE: '20', SKYDIVE_ANALYZER_LISTEN: '2.2.2.2:2' },
      overrides: { 'analyzer.listen': ':3' },
    });
    assert.equal(c.flow.expire, 20);
    assert.equal(c.analyzer.listen, ':3');
  });

  it('sets keys of auth sections defined in the files', () => {
    const c = fromEnv(
      { SKYDIVE_AUTH_MY_BASIC_FILE: '/etc/htpasswd', SKYDIVE_AUTH_NEWONE_TYPE: 'noauth' },
      'auth:\n  my_basic:\n    type: basic\n',
    );
    assert.deepEqual(c.auth['my_basic'], { type: 'basic', file: '/etc/htpasswd' });
    assert.deepEqual(c.auth['newone'], { type: 'noauth' });
  });

  it('ignores unknown SKYDIVE_* variables, other variables and empty values', () => {
    const c = fromEnv({
      SKYDIVE_ANALYZER: '1.2.3.4:8082',
      SKYDIVE_PASSWORD: 'x',
      PATH: '/bin',
      SKYDIVE_HOST_ID: '',
      SKYDIVE_FLOW_EXPIRE: undefined,
    });
    assert.equal(c.host_id, 'h');
    assert.equal(c.flow.expire, 600);
  });

  it('names the variable when a value has the wrong type', () => {
    assert.throws(
      () => fromEnv({ SKYDIVE_FLOW_EXPIRE: 'soon' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.key === 'flow.expire' &&
        err.message ===
          'configuration key "flow.expire" in environment variable SKYDIVE_FLOW_EXPIRE: expected an integer, got "soon"',
    );
    assert.throws(() => fromEnv({ SKYDIVE_FLOW_PROTOCOL: 'tcp' }), /one of udp, websocket/);
  });
});
