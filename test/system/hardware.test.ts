// SPDX-License-Identifier: Apache-2.0
// System test of the hardware probe on this machine: the host node gets the live kernel release,
// one CPU entry per logical CPU and the platform from /etc/os-release.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Graph } from '../../src/graph/index.js';
import { ProbeBundle } from '../../src/probes/bundle.js';
import { hardwareProbe, parseOsRelease } from '../../src/probes/hardware/index.js';

describe('hardware probe (system)', { skip: process.platform !== 'linux' && 'linux only' }, () => {
  it('fills the host node from the live host', async (t) => {
    const graph = new Graph({ host: 'sktest-hw', origin: 'agent.sktest-hw' });
    const root = graph.newNode({ Name: 'sktest-hw', Type: 'host' });
    const bundle = await ProbeBundle.start([hardwareProbe as never], ['hardware'], {
      graph,
      root,
      hostID: 'sktest-hw',
      logger: pino({ level: 'silent' }),
    });
    t.after(() => bundle.stop());
    for (let i = 0; i < 500 && root.metadata['KernelVersion'] === undefined; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(root.metadata['KernelVersion'], release());
    assert.equal(root.metadata['OS'], 'linux');
    assert.equal((root.metadata['CPU'] as unknown[]).length, cpus().length);
    const os = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
    assert.equal(root.metadata['Platform'], os['ID']);
    assert.equal(typeof root.metadata['KernelCmdLine'], 'object');
    assert.equal(bundle.status()['hardware']?.State, 'running');
  });
});
