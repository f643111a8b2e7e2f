// SPDX-License-Identifier: Apache-2.0
// End-to-end test of the launcher: bin/skydive as a child process, from another directory, against
// a fake analyzer; exit codes and output as a user sees them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { startFakeAnalyzer, type FakeAnalyzer } from '../../test/fakes/fake-analyzer.js';

const bin = fileURLToPath(new URL('../../bin/skydive', import.meta.url));

function skydive(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      bin,
      args,
      { cwd: os.tmpdir(), env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let fake: FakeAnalyzer;
before(async () => {
  fake = await startFakeAnalyzer();
});
after(() => fake.close());

test('bin/skydive runs client commands and reports errors with exit code 1', async () => {
  const ok = await skydive(['client', 'query', 'G.V().Count()'], {
    SKYDIVE_ANALYZER: fake.address,
  });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, '0\n');
  const bad = await skydive(['client', 'node', 'get', 'nope', '--analyzer', fake.address]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "Error: Failed to get node, 404 Not Found: Node 'nope' not found\n");
});
