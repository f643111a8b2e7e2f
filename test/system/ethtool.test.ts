// SPDX-License-Identifier: Apache-2.0
// System test of the ethtool probe (root): a veth pair between the host and a test namespace,
// put in the graph the way the netns and netlink probes do, gets Driver veth and a Speed on both
// ends, the namespace end through nsenter.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { Graph, type Node } from '../../src/graph/index.js';
import { ProbeBundle } from '../../src/probes/bundle.js';
import { ethtoolProbe } from '../../src/probes/ethtool/index.js';
import { isRoot, waitFor as poll } from './helpers/netns.js';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const ifindex = (name: string, ns?: string): number => {
  const out = run('ip', [...(ns ? ['-n', ns] : []), '-j', 'link', 'show', 'dev', name]);
  return (JSON.parse(out) as { ifindex: number }[])[0]!.ifindex;
};

describe('ethtool probe (system)', { skip: !isRoot && 'needs root' }, () => {
  const id = randomBytes(3).toString('hex');
  const ns = `sktest-${id}`;
  const hostEnd = `sk${id}h`;
  const nsEnd = `sk${id}n`;
  after(() => {
    try {
      run('ip', ['link', 'del', hostEnd]);
    } catch {
      // not created, or gone with the namespace
    }
    try {
      run('ip', ['netns', 'del', ns]);
    } catch {
      // not created
    }
    assert.ok(!run('ip', ['netns', 'list']).includes(ns), `${ns} left behind`);
  });

  it('fills Driver and Speed of veth ends in the host and in a namespace', async (t) => {
    run('ip', ['netns', 'add', ns]);
    run('ip', ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', nsEnd]);
    run('ip', ['link', 'set', nsEnd, 'netns', ns]);

    const graph = new Graph({ host: 'sktest-et', origin: 'agent.sktest-et' });
    const root = graph.newNode({ Name: 'sktest-et', Type: 'host' });
    const path = `/var/run/netns/${ns}`;
    const nsNode = graph.newNode({
      Name: ns,
      Type: 'netns',
      Path: path,
      Inode: statSync(path).ino,
    });
    graph.newEdge(root.id, nsNode.id, { RelationType: 'ownership' });
    const bundle = await ProbeBundle.start([ethtoolProbe as never], ['ethtool'], {
      graph,
      root,
      hostID: 'sktest-et',
      logger: pino({ level: 'silent' }),
    });
    t.after(() => bundle.stop());

    const intf = (owner: Node, name: string, index: number) => {
      const n = graph.newNode({ Name: name, Type: 'veth', IfIndex: index });
      graph.newEdge(owner.id, n.id, { RelationType: 'ownership' });
      return n;
    };
    const inNs = intf(nsNode, nsEnd, ifindex(nsEnd, ns));
    const onHost = intf(root, hostEnd, ifindex(hostEnd));
    await poll(
      () => inNs.metadata['Driver'] !== undefined && onHost.metadata['Driver'] !== undefined,
      'Driver on both ends',
    );
    for (const n of [inNs, onHost]) {
      assert.equal(n.metadata['Driver'], 'veth');
      assert.equal(n.metadata['Speed'], 10000);
      const features = n.metadata['Features'] as Record<string, boolean>;
      assert.equal(typeof features['tx-checksumming'], 'boolean');
    }
    assert.equal(bundle.status()['ethtool']?.['Failures'], 0);
  });
});
