// SPDX-License-Identifier: Apache-2.0
// Which configured probes an agent runs: the ones this build has; names Skydive knows but this
// build lacks (ovsdb, docker…) are reported unavailable with a warning; anything else is refused.
import type { Logger } from 'pino';
import { InvalidArgumentError } from '../graph/index.js';
import type { Probe, ProbeStatus } from '../probes/sdk.js';

/** The split of the requested probe names. */
export interface ProbeSelection {
  /** Names to start (the bundle adds their dependencies). */
  run: string[];
  /** Known to Skydive, absent from this build: their status entry. */
  unavailable: Record<string, ProbeStatus>;
}

/**
 * Splits `requested` into probes to run and unavailable ones.
 * @throws InvalidArgumentError SKY_ERR_UNKNOWN_PROBE for a name neither built nor known to Skydive.
 */
export function selectProbes(
  available: readonly Probe<never>[],
  known: readonly string[],
  requested: readonly string[],
  logger: Logger,
  now: number = Date.now(),
): ProbeSelection {
  const built = new Set(available.map((p) => p.name));
  const run: string[] = [];
  const unavailable: Record<string, ProbeStatus> = {};
  for (const name of requested) {
    if (built.has(name)) run.push(name);
    else if (known.includes(name)) {
      unavailable[name] = {
        State: 'unavailable',
        Error: 'not implemented by this build of skydive-ts',
        Since: now,
        Restarts: 0,
      };
    } else
      throw new InvalidArgumentError(
        'SKY_ERR_UNKNOWN_PROBE',
        `unknown topology probe '${name}' in agent.topology.probes; known probes: ${[...known].sort().join(', ')}`,
      );
  }
  const missing = Object.keys(unavailable);
  if (missing.length > 0)
    logger.warn(
      { probes: missing, running: run },
      'topology probes not available in this build; they are reported unavailable',
    );
  return { run, unavailable };
}
