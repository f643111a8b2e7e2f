// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { namespaceAt, RunPathWatcher } from './run-path.js';
import type { NsIdentity } from './setns.js';

const base = mkdtempSync(join(tmpdir(), 'sk-runpath-'));
after(() => rmSync(base, { recursive: true, force: true }));

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
};

describe('namespaceAt', () => {
  it('waits for a file to become a mount, and gives up', async () => {
    const f = join(base, 'plain');
    writeFileSync(f, '');
    const dev = statSync(base).dev;
    assert.equal(await namespaceAt(f, dev, 3, 1), undefined);
    assert.deepEqual(await namespaceAt(f, dev + 1, 3, 1), { dev, ino: statSync(f).ino });
    assert.equal(await namespaceAt(join(base, 'missing'), dev, 3, 1), undefined);
  });
});

describe('RunPathWatcher', () => {
  it('follows a directory that appears later, and files added and removed in it', async () => {
    const dir = join(base, 'netns');
    const known = new Map<string, NsIdentity>();
    const target = {
      setNamed: (p: string, id: NsIdentity | undefined) =>
        id ? known.set(p, id) : known.delete(p),
      namedPaths: () => [...known.keys()],
    };
    // Every file counts as a namespace here; the real check needs a bind mount (system tests).
    const w = new RunPathWatcher(dir, target, (e) => assert.fail(String(e)), {
      pollMs: 20,
      identify: async (p) => {
        try {
          return { dev: 1, ino: statSync(p).ino };
        } catch {
          return undefined;
        }
      },
    });
    w.start();
    try {
      await new Promise((r) => setTimeout(r, 50));
      mkdirSync(dir);
      writeFileSync(join(dir, 'a'), '');
      await waitFor(() => known.has(join(dir, 'a')));
      writeFileSync(join(dir, 'b'), '');
      await waitFor(() => known.has(join(dir, 'b')));
      unlinkSync(join(dir, 'a'));
      await waitFor(() => !known.has(join(dir, 'a')));
      rmSync(dir, { recursive: true });
      await w.sync();
      await waitFor(() => known.size === 0);
    } finally {
      w.stop();
    }
  });
});
