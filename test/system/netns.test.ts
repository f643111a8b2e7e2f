// SPDX-License-Identifier: Apache-2.0
// System tests of the netns probe (root): named namespaces appear and go live, a process's
// namespace is found by the /proc scan and deduplicated with a named one, and a private run_path
// that does not exist yet is followed once it appears.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { linkID, uuidV5 } from '../../src/graph/index.js';
import { Scratch, View, isRoot, sh, startProbes, waitFor } from './helpers/netns.js';

describe('netns probe (system)', { skip: !isRoot && 'needs root' }, () => {
  it('shows a named namespace live, with Skydive metadata, and removes it', async (t) => {
    const s = new Scratch();
    const p = await startProbes();
    t.after(async () => {
      await p.stop();
      s.cleanup();
      s.assertClean();
    });
    const v = new View(p.graph);
    const ns = s.netns('a');
    await waitFor(() => v.netns(ns) !== undefined, `netns ${ns}`);
    const n = v.netns(ns)!;
    const path = `/var/run/netns/${ns}`;
    const st = statSync(path);
    assert.equal(n.metadata['Path'], path);
    assert.equal(n.metadata['Inode'], st.ino);
    assert.equal(n.metadata['Device'], st.dev);
    assert.equal(n.metadata['TID'], uuidV5(uuidV5('sktest-host') + path + 'netns'));
    assert.ok(p.graph.getEdge(linkID(p.root.id, n.id, 'ownership')));
    sh(`ip netns del ${ns}`);
    await waitFor(() => v.netns(ns) === undefined, `netns ${ns} removed`);
    assert.equal(p.graph.getNode(n.id), undefined);
  });

  it('finds the namespace of a process, and counts a named one its processes share once', async (t) => {
    const s = new Scratch();
    const p = await startProbes();
    t.after(async () => {
      await p.stop();
      s.cleanup();
      s.assertClean();
    });
    const v = new View(p.graph);
    const ns = s.netns('b');
    const inNamed = s.spawn('ip', ['netns', 'exec', ns, 'sleep', '600']);
    const alone = s.spawn('unshare', ['-n', 'sleep', '600']);
    const pidName = `pid-${alone.pid}`;
    await waitFor(() => v.netns(pidName) !== undefined, `namespace of process ${alone.pid}`);
    await waitFor(
      () => Number((p.bundle.status()['netns'] as Record<string, unknown>)['Scans']) >= 2,
      'two scans',
    );
    const named = [...p.graph.nodes()].filter(
      (n) =>
        n.metadata['Type'] === 'netns' &&
        n.metadata['Inode'] === statSync(`/var/run/netns/${ns}`).ino,
    );
    assert.equal(named.length, 1, 'a named namespace and the process inside are one node');
    assert.equal(named[0]!.metadata['Name'], ns);
    // The name goes, the process keeps the namespace alive: same node, shown from the process.
    sh(`ip netns del ${ns}`);
    await waitFor(
      () => named[0]!.metadata['Name'] === `pid-${inNamed.pid}`,
      'shown from its process',
    );
    assert.ok(p.graph.getNode(named[0]!.id));
    alone.kill('SIGKILL');
    inNamed.kill('SIGKILL');
    await waitFor(() => v.netns(pidName) === undefined, 'process namespace removed');
    await waitFor(() => p.graph.getNode(named[0]!.id) === undefined, 'last process gone');
  });

  it('follows a run_path that appears after the probe started', async (t) => {
    const s = new Scratch();
    const base = mkdtempSync(join(tmpdir(), 'sktest-runpath-'));
    const dir = join(base, 'netns');
    t.after(async () => {
      await p.stop();
      s.cleanup();
      rmSync(base, { recursive: true, force: true });
      s.assertClean();
    });
    const p = await startProbes({ netns: { run_path: dir, proc_scan_interval: 0 } });
    const v = new View(p.graph);
    const holder = s.spawn('unshare', ['-n', 'sleep', '600']);
    await waitFor(() => {
      try {
        return statSync(`/proc/${holder.pid}/ns/net`).ino !== statSync('/proc/self/ns/net').ino;
      } catch {
        return false;
      }
    }, 'unshare to enter its namespace');
    sh(`mkdir -p ${dir}`);
    const file = join(dir, s.name('m'));
    writeFileSync(file, '');
    s.mount(file);
    sh(`mount --bind /proc/${holder.pid}/ns/net ${file}`);
    await waitFor(() => v.netns(s.name('m')) !== undefined, 'namespace in the new run_path');
    assert.equal(v.netns(s.name('m'))!.metadata['Path'], file);
    sh(`umount ${file} && rm ${file}`);
    await waitFor(() => v.netns(s.name('m')) === undefined, 'namespace gone from run_path');
  });
});
