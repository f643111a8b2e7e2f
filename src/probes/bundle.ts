// SPDX-License-Identifier: Apache-2.0
// Starts a set of probes in dependency order under one supervisor each, and stops them in
// reverse. Unknown names and missing dependencies are refused at boot, with the list of probes
// that exist.
import type { Logger } from 'pino';
import { InvalidArgumentError, type Graph, type Node } from '../graph/index.js';
import { ProbeSupervisor, type Probe, type ProbeStatus, type SupervisorOptions } from './sdk.js';

export interface BundleOptions {
  graph: Graph;
  root: Node;
  hostID: string;
  logger: Logger;
  /** Options per probe name (`agent.topology.<name>`), merged over the probe's defaults. */
  options?: Readonly<Record<string, unknown>>;
  supervisor?: SupervisorOptions;
}

/** Orders `names` so each probe comes after its dependencies; refuses unknown or cyclic ones. */
export function resolveProbes(
  available: readonly Probe<never>[],
  names: readonly string[],
): Probe<never>[] {
  const byName = new Map(available.map((p) => [p.name, p]));
  const known = [...byName.keys()].sort().join(', ');
  const out: Probe<never>[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, from?: string): void => {
    const p = byName.get(name);
    if (!p) {
      const why = from
        ? `probe '${from}' depends on unknown probe '${name}'`
        : `unknown probe '${name}'`;
      throw new InvalidArgumentError('SKY_ERR_UNKNOWN_PROBE', `${why}; known probes: ${known}`);
    }
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting')
      throw new InvalidArgumentError(
        'SKY_ERR_UNKNOWN_PROBE',
        `probe dependency cycle through '${name}'`,
      );
    state.set(name, 'visiting');
    for (const d of p.dependencies ?? []) visit(d, name);
    state.set(name, 'done');
    out.push(p);
  };
  for (const n of names) visit(n);
  return out;
}

/** The running probes of an agent. */
export class ProbeBundle {
  private readonly supervisors: ProbeSupervisor[] = [];

  private constructor() {}

  /** Starts `names` (and their dependencies) from `available`. */
  static async start(
    available: readonly Probe<never>[],
    names: readonly string[],
    opts: BundleOptions,
  ): Promise<ProbeBundle> {
    const bundle = new ProbeBundle();
    const started = new Map<string, ProbeSupervisor>();
    for (const probe of resolveProbes(available, names)) {
      const logger = opts.logger.child({ probe: probe.name });
      const options = {
        ...(probe.defaults as Record<string, unknown>),
        ...((opts.options?.[probe.name] as Record<string, unknown> | undefined) ?? {}),
      };
      const makeContext = () => {
        const deps: Record<string, unknown> = {};
        for (const d of probe.dependencies ?? []) deps[d] = started.get(d)?.api;
        return {
          graph: opts.graph,
          root: opts.root,
          hostID: opts.hostID,
          logger,
          options,
          deps,
        } as never;
      };
      const sup = new ProbeSupervisor(probe, makeContext, logger, opts.supervisor);
      started.set(probe.name, sup);
      bundle.supervisors.push(sup);
      await sup.start();
    }
    return bundle;
  }

  /** Status per probe name. */
  status(): Record<string, ProbeStatus> {
    const out: Record<string, ProbeStatus> = {};
    for (const s of this.supervisors) out[s.probe.name] = s.status();
    return out;
  }

  /** Stops every probe, dependents first. */
  async stop(): Promise<void> {
    for (const s of [...this.supervisors].reverse()) await s.stop();
  }
}
