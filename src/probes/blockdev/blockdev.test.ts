// SPDX-License-Identifier: Apache-2.0
// The blockdev probe on lsblk output: lsblk-firecracker-loop.json was recorded on the project's VM
// (lsblk 2.38, a mounted loop device); lsblk-raid-partitions.json is written in the all-strings
// style of lsblk < 2.33, with partitions and a RAID this kernel cannot create.
import { strict as assert } from 'node:assert';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { Graph, type Node } from '../../graph/index.js';
import { ProbeBundle } from '../bundle.js';
import { attributeName, BlockdevGraph, blockdevProbe, parseLsblk } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFile(join(here, 'fixtures', name), 'utf8');

function world() {
  const graph = new Graph({ host: 'h', origin: 'agent.h' });
  const root = graph.newNode({ Name: 'h', Type: 'host' });
  return { graph, root, devices: new BlockdevGraph(graph, root) };
}

const byName = (g: Graph, name: string): Node => {
  const n = [...(g.lookupNodes('Name', name) ?? [])][0];
  assert.ok(n, `no node ${name}`);
  return n;
};
const children = (g: Graph, n: Node, rel: string) =>
  g
    .outEdges(n.id)
    .filter((e) => e.metadata['RelationType'] === rel)
    .map((e) => g.getNode(e.child)?.metadata['Name'])
    .sort();

describe('#parseLsblk', () => {
  it('reads the recorded lsblk 2.38 output with typed values', async () => {
    const devs = parseLsblk(await fixture('lsblk-firecracker-loop.json'));
    assert.deepEqual(
      devs.map((d) => d.key),
      ['/dev/loop0', '/dev/zram0', '/dev/vda'],
    );
    const loop = devs[0]!;
    assert.deepEqual(loop.parents, []);
    assert.equal(loop.metadata['Name'], 'loop0');
    assert.equal(loop.metadata['Type'], 'blockdev');
    assert.equal(loop.metadata['Manager'], 'blockdev');
    assert.equal(loop.metadata['Path'], '/dev/loop0');
    assert.equal(loop.metadata['MajorMinor'], '7:0');
    assert.equal(loop.metadata['Index'], 'loop0');
    const a = loop.metadata['Attributes'] as Record<string, unknown>;
    assert.equal(a['Type'], 'loop');
    assert.equal(a['Size'], 67108864);
    // No udev here, so lsblk knows no file system type or label.
    assert.equal(a['Fstype'], undefined);
    assert.equal(a['Mountpoint'], '/tmp/sktest-mnt-znUG');
    assert.equal(a['Rota'], true);
    assert.equal(a['Ro'], false);
    assert.equal(a['FsusePercent'], '0%');
    assert.equal(a['Model'], undefined, 'null columns left out');
    const vda = devs[2]!.metadata['Attributes'] as Record<string, unknown>;
    assert.deepEqual(vda['Mountpoints'], ['/run/netns', '/']);
  });

  it('reads old all-strings output and lists every parent of a shared device', async () => {
    const devs = parseLsblk(await fixture('lsblk-raid-partitions.json'));
    const md0 = devs.find((d) => d.key === '/dev/md0')!;
    assert.deepEqual(md0.parents, ['/dev/sda2', '/dev/sdb1']);
    assert.equal(devs.filter((d) => d.key === '/dev/md0').length, 1);
    const sda = devs.find((d) => d.key === '/dev/sda')!;
    const a = sda.metadata['Attributes'] as Record<string, unknown>;
    assert.equal(a['Size'], 1000204886016);
    assert.equal(a['Ro'], false);
    assert.equal(a['Rota'], true);
    assert.equal(sda.metadata['Index'], '0x50014ee2b5c5a3d1', 'WWN first');
    const sr0 = devs.find((d) => d.key === '/dev/sr0')!;
    assert.equal((sr0.metadata['Attributes'] as Record<string, unknown>)['Model'], 'QEMU DVD-ROM');
    assert.equal(sr0.metadata['Index'], 'QM00003', 'then the serial');
  });

  it('#attributeName follows Skydive spellings', () => {
    assert.equal(attributeName('disc-aln'), 'DiscAln');
    assert.equal(attributeName('maj:min'), 'MajMin');
    assert.equal(attributeName('fsuse%'), 'FsusePercent');
    assert.equal(attributeName('uuid'), 'UUID');
    assert.equal(attributeName('wwn'), 'WWN');
    assert.equal(attributeName('zone-wgran'), 'ZoneWgran');
  });
});

describe('BlockdevGraph', () => {
  it('#apply links disks to the host and partitions to their disk', async () => {
    const { graph, root, devices } = world();
    const res = devices.apply(parseLsblk(await fixture('lsblk-raid-partitions.json')));
    assert.deepEqual(res, { added: 7, updated: 0, deleted: 0 });
    assert.deepEqual(children(graph, root, 'ownership'), ['sda', 'sdb', 'sr0']);
    assert.deepEqual(children(graph, byName(graph, 'sda'), 'ownership'), ['sda1', 'sda2']);
    assert.deepEqual(children(graph, byName(graph, 'sda2'), 'ownership'), ['md0']);
    assert.deepEqual(children(graph, byName(graph, 'sdb1'), 'connected'), ['md0']);
    assert.deepEqual(children(graph, byName(graph, 'sdb1'), 'ownership'), []);
    const md0 = byName(graph, 'md0');
    assert.equal(
      graph.inEdges(md0.id).filter((e) => e.metadata['RelationType'] === 'ownership').length,
      1,
      'one ownership parent',
    );
  });

  it('#apply changes only what changed and removes what went away', async () => {
    const { graph, root, devices } = world();
    const first = parseLsblk(await fixture('lsblk-firecracker-loop.json'));
    devices.apply(first);
    const events: string[] = [];
    graph.on('nodeUpdated', (n, ops) =>
      events.push(`U ${n.metadata['Name']} ${ops.map((o) => o.Key)}`),
    );
    graph.on('nodeDeleted', (n) => events.push(`D ${n.metadata['Name']}`));
    graph.on('nodeAdded', (n) => events.push(`A ${n.metadata['Name']}`));
    assert.deepEqual(devices.apply(first), { added: 0, updated: 0, deleted: 0 });
    assert.deepEqual(events, []);

    // The loop device is detached, vda's free space moved.
    const second = parseLsblk(await fixture('lsblk-firecracker-loop.json')).slice(1);
    (second[1]!.metadata['Attributes'] as Record<string, unknown>)['Fsavail'] = 1;
    assert.deepEqual(devices.apply(second), { added: 0, updated: 1, deleted: 1 });
    assert.deepEqual(events, ['D loop0', 'U vda Attributes']);
    assert.deepEqual(children(graph, root, 'ownership'), ['vda', 'zram0']);
    assert.equal(devices.size, 2);
  });

  it('adopts its nodes after a restart instead of duplicating them', async () => {
    const { graph, root, devices } = world();
    const devs = parseLsblk(await fixture('lsblk-firecracker-loop.json'));
    devices.apply(devs);
    const again = new BlockdevGraph(graph, root);
    assert.deepEqual(again.apply(devs), { added: 0, updated: 0, deleted: 0 });
    assert.equal(graph.nodeCount, 4);
  });
});

describe('blockdevProbe', () => {
  const temps: string[] = [];
  after(async () => {
    for (const d of temps) await rm(d, { recursive: true, force: true });
  });

  it('publishes what its lsblk prints, and fails (to be retried) when lsblk fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sktest-blockdev-'));
    temps.push(dir);
    const lsblk = join(dir, 'lsblk');
    const json = join(here, 'fixtures', 'lsblk-firecracker-loop.json');
    await writeFile(lsblk, `#!/bin/sh\n[ "$*" = "-J -O -b" ] && exec cat '${json}'\nexit 3\n`);
    await chmod(lsblk, 0o755);
    const graph = new Graph({ host: 'h', origin: 'agent.h' });
    const root = graph.newNode({ Name: 'h', Type: 'host' });
    const opts = { graph, root, hostID: 'h', logger: pino({ level: 'silent' }) };
    const bundle = await ProbeBundle.start([blockdevProbe as never], ['blockdev'], {
      ...opts,
      options: { blockdev: { lsblk_path: lsblk } },
    });
    try {
      for (let i = 0; i < 400 && graph.nodeCount < 4; i++)
        await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(children(graph, root, 'ownership'), ['loop0', 'vda', 'zram0']);
      assert.equal(bundle.status()['blockdev']?.['Devices'], 3);
    } finally {
      await bundle.stop();
    }
    const broken = await ProbeBundle.start([blockdevProbe as never], ['blockdev'], {
      ...opts,
      options: { blockdev: { lsblk_path: join(dir, 'missing') } },
      supervisor: { retryMs: 60_000 },
    });
    try {
      for (let i = 0; i < 400 && broken.status()['blockdev']?.State !== 'error'; i++)
        await new Promise((r) => setTimeout(r, 5));
      assert.equal(broken.status()['blockdev']?.State, 'error');
    } finally {
      await broken.stop();
    }
  });
});
