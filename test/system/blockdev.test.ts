// SPDX-License-Identifier: Apache-2.0
// System test of the blockdev probe (root): a loop device attached with losetup appears as a
// blockdev node under the host node, and goes away when detached.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { Graph, type Node } from '../../src/graph/index.js';
import { ProbeBundle } from '../../src/probes/bundle.js';
import { blockdevProbe } from '../../src/probes/blockdev/index.js';
import { isRoot, waitFor as poll } from './helpers/netns.js';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

describe('blockdev probe (system)', { skip: !isRoot && 'needs root' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sktest-blockdev-'));
  const image = join(dir, 'disk.img');
  let loop: string | undefined;
  after(() => {
    if (loop) {
      try {
        run('losetup', ['-d', loop]);
      } catch {
        // already detached by the test
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees a loop device attached and detached', async (t) => {
    writeFileSync(image, '');
    truncateSync(image, 24 * 1024 * 1024);
    loop = run('losetup', ['-f', '--show', image]).trim();
    assert.match(loop, /^\/dev\/loop\d+$/);

    const graph = new Graph({ host: 'sktest-bd', origin: 'agent.sktest-bd' });
    const root = graph.newNode({ Name: 'sktest-bd', Type: 'host' });
    const bundle = await ProbeBundle.start([blockdevProbe as never], ['blockdev'], {
      graph,
      root,
      hostID: 'sktest-bd',
      logger: pino({ level: 'silent' }),
      options: { blockdev: { lsblk_update: 1 } },
    });
    t.after(() => bundle.stop());

    const dev = loop;
    const node = (): Node | undefined =>
      [...(graph.lookupNodes('Path', dev) ?? [])].find((n) => n.metadata['Type'] === 'blockdev');
    await poll(() => node() !== undefined, `${dev} in the graph`);
    const n = node()!;
    const attrs = n.metadata['Attributes'] as Record<string, unknown>;
    assert.equal(n.metadata['Name'], dev.slice('/dev/'.length));
    assert.equal(n.metadata['Manager'], 'blockdev');
    assert.equal(attrs['Type'], 'loop');
    assert.equal(attrs['Size'], 24 * 1024 * 1024);
    const owner = graph.inEdges(n.id).find((e) => e.metadata['RelationType'] === 'ownership');
    assert.equal(owner?.parent, root.id);

    run('losetup', ['-d', dev]);
    loop = undefined;
    await poll(() => node() === undefined, `${dev} removed from the graph`);
    assert.ok(!run('losetup', ['-a']).includes(image), 'loop device left attached');
  });
});
