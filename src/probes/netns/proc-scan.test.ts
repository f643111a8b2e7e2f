// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanProcesses } from './proc-scan.js';
import { nsKey, type NsIdentity } from './setns.js';

describe('scanProcesses', () => {
  it('finds this process in its own namespace, and forgets inodes no longer seen', () => {
    const st = statSync('/proc/self/ns/net');
    const known = new Map<number, NsIdentity>([[1, { dev: 1, ino: 1 }]]);
    const { scan, processes } = scanProcesses(known);
    assert.ok(processes > 0);
    const mine = scan.get(nsKey({ dev: st.dev, ino: st.ino }));
    assert.ok(mine && mine.pids.includes(process.pid));
    assert.deepEqual(
      mine.pids,
      [...mine.pids].sort((a, b) => a - b),
    );
    assert.ok(!known.has(1));
    assert.ok(known.has(st.ino));
  });
});
