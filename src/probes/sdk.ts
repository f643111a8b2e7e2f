// SPDX-License-Identifier: Apache-2.0
// The Probe contract and its supervisor. A probe is a small declared plugin: name, dependencies,
// options, and create() returning a body that discovers and watches one source. The supervisor
// owns the lifecycle, as a state machine:
//
//   stopped ──start──▶ starting ──body runs──▶ running ──stop──▶ stopping ──▶ stopped
//                          ▲                      │ body throws or returns
//                          └──── retry delay ──── error
//
// A probe's body only connects and watches; retries with backoff, status and logging live here.
import type { Logger } from 'pino';
import type { Graph, Node } from '../graph/index.js';

/** What a probe receives: everything it may touch, and nothing global. */
export interface ProbeContext<Options = Record<string, unknown>> {
  /** The agent's local graph; probes add, update and delete their elements here. */
  graph: Graph;
  /** The host node every probe hangs its elements under. */
  root: Node;
  hostID: string;
  logger: Logger;
  /** The probe's own configuration slice, defaults applied. */
  options: Options;
  /** The APIs exported by the probes named in `dependencies`, by name. */
  deps: Readonly<Record<string, unknown>>;
}

/** A running probe's body. */
export interface ProbeInstance {
  /**
   * Discovers and watches until `signal` aborts (then resolves). Throwing or returning early is a
   * failure: the supervisor records it and starts the body again after the retry delay.
   */
  run(signal: AbortSignal): Promise<void>;
  /** Probe-specific status merged into the agent's status (counters, watched sources…). */
  status?(): Record<string, unknown>;
  /** An API for dependent probes (e.g. netns exposes its namespaces). */
  api?: unknown;
}

/** A probe plugin. `name` is one lowercase word, the config key in `agent.topology.probes`. */
export interface Probe<Options = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  readonly dependencies?: readonly string[];
  /** Platforms it runs on; elsewhere it reports "unavailable". Default: linux. */
  readonly platforms?: readonly NodeJS.Platform[];
  /** Options with their defaults; the agent fills them from `agent.topology.<name>`. */
  readonly defaults: Options;
  create(ctx: ProbeContext<Options>): ProbeInstance | Promise<ProbeInstance>;
}

export type ProbeState = 'stopped' | 'starting' | 'running' | 'stopping' | 'error' | 'unavailable';

/** Status of one supervised probe, as shown in the agent's /api/status TopologyProbes. */
export interface ProbeStatus {
  State: ProbeState;
  Error?: string;
  /** ms since the epoch of the last state change. */
  Since: number;
  Restarts: number;
  [key: string]: unknown;
}

export interface SupervisorOptions {
  /** First retry delay in ms (doubles up to maxRetryMs). */
  retryMs?: number;
  maxRetryMs?: number;
  /** How long a run must last before the delay resets to retryMs. */
  healthyMs?: number;
  clock?: () => number;
}

/**
 * Waits `ms`, or less when `signal` aborts; never rejects. For probe bodies that poll a source
 * between reads (`while (!signal.aborted) { read(); await sleep(period, signal); }`).
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Supervises one probe: runs its body, restarts it with backoff, reports its state. */
export class ProbeSupervisor {
  private state: ProbeState = 'stopped';
  private error: string | undefined;
  private since: number;
  private restarts = 0;
  private instance: ProbeInstance | undefined;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private readonly clock: () => number;

  constructor(
    readonly probe: Probe<never>,
    private readonly makeContext: () => ProbeContext<never>,
    private readonly logger: Logger,
    private readonly opts: SupervisorOptions = {},
  ) {
    this.clock = opts.clock ?? Date.now;
    this.since = this.clock();
  }

  private set(state: ProbeState, error?: string): void {
    this.state = state;
    this.error = error;
    this.since = this.clock();
  }

  /** The dependency API of the running instance, once created. */
  get api(): unknown {
    return this.instance?.api;
  }

  /** Creates the instance (so dependents can use its API) and starts the run loop. */
  async start(): Promise<void> {
    if (this.loop) return;
    const platforms = this.probe.platforms ?? ['linux'];
    if (!platforms.includes(process.platform)) {
      this.set('unavailable', `not available on ${process.platform}`);
      return;
    }
    this.abort = new AbortController();
    this.set('starting');
    try {
      this.instance = await this.probe.create(this.makeContext());
    } catch {
      // The run loop calls create() again and records the failure with its retry.
      this.instance = undefined;
    }
    this.loop = this.runLoop(this.abort.signal);
  }

  private async runLoop(signal: AbortSignal): Promise<void> {
    let delay = this.opts.retryMs ?? 1000;
    const max = this.opts.maxRetryMs ?? 30_000;
    const healthy = this.opts.healthyMs ?? 10_000;
    while (!signal.aborted) {
      const began = this.clock();
      try {
        this.instance ??= await this.probe.create(this.makeContext());
        this.set('running');
        await this.instance.run(signal);
        if (signal.aborted) break;
        throw new Error('probe body returned while it should keep watching');
      } catch (err) {
        if (signal.aborted) break;
        const message = err instanceof Error ? err.message : String(err);
        this.set('error', message);
        this.logger.warn({ err: message, retryInMs: delay }, 'probe failed; retrying');
        if (this.clock() - began >= healthy) delay = this.opts.retryMs ?? 1000;
        await sleep(delay, signal);
        delay = Math.min(max, delay * 2);
        this.restarts++;
        if (!signal.aborted) this.set('starting');
      }
    }
  }

  /** Stops the body and waits for it to end. */
  async stop(): Promise<void> {
    if (!this.loop || !this.abort) return;
    this.set('stopping');
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
    this.set('stopped');
  }

  status(): ProbeStatus {
    const s: ProbeStatus = { State: this.state, Since: this.since, Restarts: this.restarts };
    if (this.error !== undefined) s.Error = this.error;
    try {
      Object.assign(s, this.instance?.status?.());
    } catch (err) {
      s['StatusError'] = (err as Error).message;
    }
    return s;
  }
}
