// SPDX-License-Identifier: Apache-2.0
// selectProbes: built probes run, Skydive's names this build lacks are unavailable (with a
// warning), anything else is refused at boot.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureLogger } from '../api/testing/context.js';
import type { Probe } from '../probes/sdk.js';
import { selectProbes } from './probes.js';

const fake = (name: string): Probe<never> => ({
  name,
  description: name,
  defaults: {} as never,
  create: () => ({ run: async () => {} }),
});

describe('selectProbes', () => {
  const available = [fake('hardware'), fake('netns')];
  const known = ['hardware', 'netns', 'netlink', 'ovsdb'];

  it('runs the built ones and reports the known missing ones unavailable, with a warning', () => {
    const { logger, lines } = captureLogger('warn');
    const sel = selectProbes(
      available,
      known,
      ['ovsdb', 'hardware', 'netlink', 'netns'],
      logger,
      5,
    );
    assert.deepEqual(sel.run, ['hardware', 'netns']);
    assert.deepEqual(Object.keys(sel.unavailable).sort(), ['netlink', 'ovsdb']);
    assert.equal(sel.unavailable['ovsdb']?.State, 'unavailable');
    assert.equal(sel.unavailable['ovsdb']?.Since, 5);
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]?.['probes'], ['ovsdb', 'netlink']);
  });

  it('refuses a name nobody knows', () => {
    const { logger } = captureLogger('silent');
    assert.throws(
      () => selectProbes(available, known, ['hardware', 'netlnk'], logger),
      (err: Error & { code?: string }) =>
        err.code === 'SKY_ERR_UNKNOWN_PROBE' && /netlnk/.test(err.message),
    );
  });
});
