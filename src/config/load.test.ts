// SPDX-License-Identifier: Apache-2.0
// Tests of loadConfig: defaults, YAML merge order, legacy keys, error texts for unknown keys and
// wrong types, frozen result, overrides and key lookup.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, getConfigValue, loadConfig } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'skydive-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string): string {
  const path = join(dir, `c${n++}.yml`);
  writeFileSync(path, content);
  return path;
}

function configError(fragment: string | RegExp, key?: string) {
  return (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, 'SKY_ERR_CONFIG');
    if (typeof fragment === 'string') assert.ok(err.message.includes(fragment), err.message);
    else assert.match(err.message, fragment);
    if (key !== undefined) assert.equal(err.key, key);
    return true;
  };
}

describe('#loadConfig defaults', () => {
  const c = loadConfig({ hostname: 'node1' });

  it('uses Skydive defaults', () => {
    assert.equal(c.host_id, 'node1');
    assert.equal(c.analyzer.listen, '127.0.0.1:8082');
    assert.equal(c.agent.listen, '127.0.0.1:8081');
    assert.deepEqual(c.analyzers, []);
    assert.equal(c.analyzer.auth.api.backend, 'noauth');
    assert.equal(c.analyzer.auth.cluster.backend, 'noauth');
    assert.equal(c.agent.auth.api.backend, 'noauth');
    assert.equal(c.analyzer.auth.cluster.username, undefined);
    assert.deepEqual(c.http.ws, {
      ping_delay: 2,
      pong_timeout: 5,
      queue_size: 10000,
      enable_write_compression: true,
    });
    assert.equal(c.http.rest.debug, false);
    assert.deepEqual(c.http.cookie, {});
    assert.equal(c.logging.level, 'INFO');
    assert.deepEqual(c.logging.backends, ['stderr']);
    assert.equal(c.analyzer.topology.backend, 'sqlite');
    assert.deepEqual(c.analyzer.topology.probes, []);
    assert.equal(c.analyzer.flow.backend, 'sqlite');
    assert.equal(c.analyzer.flow.max_buffer_size, 100000);
    assert.deepEqual(c.agent.topology.probes, ['ovsdb']);
    assert.equal(c.agent.topology.netlink.metrics_update, 30);
    assert.equal(c.agent.topology.netns.run_path, '/var/run/netns');
    assert.equal(c.flow.expire, 600);
    assert.equal(c.flow.update, 60);
    assert.equal(c.flow.protocol, 'udp');
    assert.equal(c.flow.max_entries, 500000);
    assert.equal(c.flow.default_layer_key_mode, 'L2');
    assert.deepEqual(c.flow.application_timeout, { arp: 10, dns: 10 });
    assert.deepEqual(c.rbac.policy, []);
    assert.equal(c.tls.require_client_cert, false);
    assert.deepEqual(c.ui, {});
    assert.equal(c.etcd.name, 'node1');
  });

  it('defines the noauth, basic and keystone backends and the memory storage', () => {
    assert.deepEqual(c.auth['noauth'], { type: 'noauth' });
    assert.deepEqual(c.auth['basic'], { type: 'basic' });
    assert.equal(c.auth['keystone']?.tenant_name, 'admin');
    assert.deepEqual(c.storage['memory'], { driver: 'memory' });
  });

  it('has the skydive-ts limits', () => {
    assert.equal(c.analyzer.max_body_size, 10 * 1024 * 1024);
    assert.equal(c.analyzer.query.timeout, 30);
    assert.equal(c.analyzer.query.max_results, 100000);
  });

  it('defaults host_id to the host name', () => {
    assert.equal(loadConfig().host_id, hostname());
  });
});

describe('#loadConfig files', () => {
  it('merges files in order: later wins, maps merge, lists replace', () => {
    const a = file(`
host_id: a
analyzer:
  listen: 0.0.0.0:8082
agent:
  topology:
    probes: [docker, lldp]
http:
  cookie:
    first: "1"
`);
    const b = file(`
analyzer:
  listen: 10.0.0.1:9000
agent:
  topology:
    probes: [runc]
http:
  cookie:
    second: "2"
`);
    const c = loadConfig({ files: [a, b] });
    assert.equal(c.host_id, 'a');
    assert.equal(c.analyzer.listen, '10.0.0.1:9000');
    assert.deepEqual(c.agent.topology.probes, ['runc']);
    assert.deepEqual(c.http.cookie, { first: '1', second: '2' });
    assert.equal(c.analyzer.flow.backend, 'sqlite');
    assert.equal(loadConfig({ files: [b, a] }).analyzer.listen, '0.0.0.0:8082');
  });

  it('reads "-" from the given stdin content', () => {
    const c = loadConfig({ files: ['-'], stdin: 'analyzer:\n  listen: ":1234"\n' });
    assert.equal(c.analyzer.listen, ':1234');
  });

  it('accepts empty files, empty sections and commented-out keys', () => {
    const c = loadConfig({ files: [file(''), file('http:\n  cookie:\n  # a: b\nanalyzers:\n')] });
    assert.deepEqual(c.http.cookie, {});
    assert.deepEqual(c.analyzers, []);
  });

  it('adds user auth backends and storage sections to the defaults', () => {
    const c = loadConfig({
      files: [
        file(`
analyzer:
  auth:
    api:
      backend: mybasic
  topology:
    backend: myes
auth:
  mybasic:
    type: basic
    users:
      admin: $2y$05$abcdefghijklmnopqrstuv
storage:
  myes:
    driver: elasticsearch
    hosts: [http://es:9200]
`),
      ],
    });
    assert.equal(c.analyzer.auth.api.backend, 'mybasic');
    assert.deepEqual(c.auth['mybasic'], {
      type: 'basic',
      users: { admin: '$2y$05$abcdefghijklmnopqrstuv' },
    });
    assert.deepEqual(c.auth['noauth'], { type: 'noauth' });
    assert.deepEqual(c.storage['myes']?.hosts, ['http://es:9200']);
    assert.equal(c.storage['myes']?.index_prefix, 'skydive_', 'driver defaults are copied');
  });

  it('matches known keys case-insensitively and coerces scalars', () => {
    const c = loadConfig({
      files: [
        file(
          'Analyzer:\n  Listen: 8082\nflow:\n  expire: "30"\nhttp:\n  ws:\n    enable_write_compression: "false"\nagent:\n  topology:\n    probes: docker lldp\n',
        ),
      ],
    });
    assert.equal(c.analyzer.listen, '8082');
    assert.equal(c.flow.expire, 30);
    assert.equal(c.http.ws.enable_write_compression, false);
    assert.deepEqual(c.agent.topology.probes, ['docker', 'lldp']);
  });

  it('keeps unknown keys of the open ui section', () => {
    const c = loadConfig({
      files: [
        file(
          'ui:\n  theme: dark\n  custom:\n    x: 1\n  topology:\n    favorites:\n      l2: "G.E()"\n',
        ),
      ],
    });
    assert.deepEqual(c.ui, {
      theme: 'dark',
      custom: { x: 1 },
      topology: { favorites: { l2: 'G.E()' } },
    });
  });

  it('relocates deprecated keys and warns', () => {
    const warnings: string[] = [];
    const c = loadConfig({
      files: [
        file(
          'auth:\n  type: mybasic\n  mybasic:\n    type: basic\n    file: /etc/htpasswd\ngraph:\n  backend: mymemory\nsflow:\n  port_min: 7000\n',
        ),
      ],
      onWarning: (w) => warnings.push(w),
    });
    assert.equal(c.analyzer.auth.api.backend, 'mybasic');
    assert.equal(c.analyzer.auth.cluster.backend, 'mybasic');
    assert.equal(c.agent.auth.api.backend, 'mybasic');
    assert.equal(c.analyzer.topology.backend, 'mymemory');
    assert.equal(c.agent.flow.sflow.port_min, 7000);
    assert.equal(warnings.length, 3);
    assert.match(warnings[0] ?? '', /"auth.type" .* deprecated, use "agent.auth.api.backend"/);
    assert.equal(getConfigValue(c, 'graph'), undefined);
  });

  it('does not let a deprecated key override the new one in the same file', () => {
    const c = loadConfig({
      files: [file('graph:\n  backend: old\nanalyzer:\n  topology:\n    backend: new\n')],
    });
    assert.equal(c.analyzer.topology.backend, 'new');
  });
});

describe('#loadConfig errors', () => {
  it('names an unknown key and the file', () => {
    const f = file('analyzer:\n  lisen: 1.2.3.4:8082\n');
    assert.throws(
      () => loadConfig({ files: [f] }),
      configError(`unknown configuration key "analyzer.lisen" in ${f}`, 'analyzer.lisen'),
    );
    assert.throws(
      () => loadConfig({ files: [file('nope: 1\n')] }),
      configError('unknown configuration key "nope"'),
    );
    assert.throws(
      () => loadConfig({ files: [file('auth:\n  b:\n    type: basic\n    usres: {}\n')] }),
      configError('"auth.b.usres"'),
    );
  });

  it('names the key, the expected type and the value', () => {
    const f = file('flow:\n  expire: abc\n');
    assert.throws(
      () => loadConfig({ files: [f] }),
      configError(
        `configuration key "flow.expire" in ${f}: expected an integer, got "abc"`,
        'flow.expire',
      ),
    );
    assert.throws(
      () => loadConfig({ files: [file('analyzer:\n  listen: [a]\n')] }),
      configError('"analyzer.listen"', 'analyzer.listen'),
    );
    assert.throws(
      () => loadConfig({ files: [file('analyzer:\n  listen: [a]\n')] }),
      configError('expected a string, got a list'),
    );
    assert.throws(
      () => loadConfig({ files: [file('http:\n  ws:\n    enable_write_compression: maybe\n')] }),
      configError('expected a boolean, got "maybe"'),
    );
    assert.throws(
      () => loadConfig({ files: [file('flow:\n  protocol: tcp\n')] }),
      configError('expected one of udp, websocket, got "tcp"'),
    );
    assert.throws(
      () => loadConfig({ files: [file('flow:\n  update: 0\n')] }),
      configError('"flow.update"'),
    );
    assert.throws(
      () => loadConfig({ files: [file('flow:\n  update: 0\n')] }),
      configError('must be > 0, got 0'),
    );
    assert.throws(
      () => loadConfig({ files: [file('analyzers:\n  - {a: 1}\n')] }),
      configError('"analyzers[0]"'),
    );
    assert.throws(() => loadConfig({ files: [file('analyzer: 3\n')] }), configError('"analyzer"'));
    assert.throws(
      () => loadConfig({ files: [file('auth:\n  x:\n    type: ldap\n')] }),
      configError('"auth.x.type"'),
    );
  });

  it('reports unreadable files and invalid YAML', () => {
    assert.throws(
      () => loadConfig({ files: [join(dir, 'missing.yml')] }),
      configError('cannot read configuration file'),
    );
    assert.throws(() => loadConfig({ files: [file('a: [\n')] }), configError('invalid YAML in'));
    assert.throws(
      () => loadConfig({ files: [file('- a\n- b\n')] }),
      configError('must be a map of keys'),
    );
  });
});

describe('#loadConfig overrides and result', () => {
  it('applies overrides last and skips undefined ones', () => {
    const c = loadConfig({
      files: [file('analyzer:\n  listen: 1.1.1.1:1\n')],
      env: { SKYDIVE_ANALYZER_LISTEN: '2.2.2.2:2' },
      overrides: { 'analyzer.listen': '3.3.3.3:3', host_id: undefined, 'flow.expire': '5' },
    });
    assert.equal(c.analyzer.listen, '3.3.3.3:3');
    assert.equal(c.flow.expire, 5);
  });

  it('checks overrides', () => {
    assert.throws(
      () => loadConfig({ overrides: { 'analyzer.nope': 1 } }),
      configError('unknown configuration key "analyzer.nope" in overrides'),
    );
    assert.throws(
      () => loadConfig({ overrides: { 'flow.expire': 'x' } }),
      configError('in overrides: expected an integer'),
    );
  });

  it('returns a deeply frozen object', () => {
    const c = loadConfig({ files: [file('auth:\n  b:\n    users:\n      u: p\n')] });
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.analyzer.auth.api));
    assert.ok(Object.isFrozen(c.analyzers));
    assert.ok(Object.isFrozen(c.auth['b']?.users));
    assert.throws(() => {
      (c.analyzer as { listen: string }).listen = 'x';
    }, TypeError);
  });

  it('gives independent results', () => {
    const a = loadConfig({ overrides: { 'http.cookie.a': 'x' } });
    const b = loadConfig();
    assert.deepEqual(a.http.cookie, { a: 'x' });
    assert.deepEqual(b.http.cookie, {});
  });
});

describe('#getConfigValue', () => {
  const c = loadConfig({ hostname: 'h', files: [file('ui:\n  theme: dark\n')] });
  it('reads dotted keys, sections and case variants', () => {
    assert.equal(getConfigValue(c, 'analyzer.listen'), '127.0.0.1:8082');
    assert.equal(getConfigValue(c, 'Analyzer.LISTEN'), '127.0.0.1:8082');
    assert.deepEqual(getConfigValue(c, 'ui'), { theme: 'dark' });
    assert.equal(getConfigValue(c, 'host_id'), 'h');
    assert.deepEqual(getConfigValue(c, 'auth.noauth'), { type: 'noauth' });
  });
  it('returns undefined when absent', () => {
    assert.equal(getConfigValue(c, 'analyzer.nope'), undefined);
    assert.equal(getConfigValue(c, 'analyzer.listen.x'), undefined);
    assert.equal(getConfigValue(c, 'tls.client_cert'), undefined);
    assert.equal(getConfigValue(c, ''), undefined);
  });
});
