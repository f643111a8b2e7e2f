// SPDX-License-Identifier: Apache-2.0
// Helpers for the netns and netlink system tests (root): unique `sktest-…` names, a scratch set
// of namespaces and host links that is always removed (register its cleanup before creating
// anything), the two probes on a fresh graph, and bounded polling of the graph.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Graph, type Edge, type Node } from '../../../src/graph/index.js';
import { ProbeBundle } from '../../../src/probes/bundle.js';
import { netnsProbe } from '../../../src/probes/netns/index.js';
import { netlinkProbe } from '../../../src/probes/netlink/index.js';

export const isRoot = process.getuid?.() === 0;

/** Runs a shell command; throws with its stderr on failure. */
export function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `sktest-` plus 4 random hex digits: short enough for interface names with a suffix. */
export function uniqueName(): string {
  return `sktest-${randomBytes(2).toString('hex')}`;
}

/** Namespaces, host links and processes a test creates; cleanup() removes them all. */
export class Scratch {
  readonly id = randomBytes(2).toString('hex');
  private readonly namespaces: string[] = [];
  private readonly hostLinks: string[] = [];
  private readonly procs: ChildProcess[] = [];
  private readonly mounts: string[] = [];

  /** A name for a namespace or host link: `sktest-<id><suffix>` (≤ 15 characters). */
  name(suffix = ''): string {
    return `sktest-${this.id}${suffix}`;
  }

  /** Creates a named namespace with lo up. */
  netns(suffix: string): string {
    const ns = this.name(suffix);
    this.namespaces.push(ns);
    sh(`ip netns add ${ns} && ip -n ${ns} link set lo up`);
    return ns;
  }

  /**
   * Two new namespaces joined by a veth pair, up, with 10.`n`.0.1/24 on the `a` end and
   * 10.`n`.0.2/24 on the `b` end (`a`, `b`: name suffixes). Removed with the namespaces.
   */
  addressedPair(a: string, b: string, n: number): { nsA: string; ifA: string; ipB: string } {
    const [nsA, nsB] = [this.netns(`${a}n`), this.netns(`${b}n`)];
    const [ifA, ifB] = [this.name(a), this.name(b)];
    sh(
      `ip link add ${ifA} netns ${nsA} type veth peer name ${ifB} netns ${nsB} && ` +
        `ip -n ${nsA} addr add 10.${n}.0.1/24 dev ${ifA} && ip -n ${nsB} addr add 10.${n}.0.2/24 dev ${ifB} && ` +
        `ip -n ${nsA} link set ${ifA} up && ip -n ${nsB} link set ${ifB} up`,
    );
    return { nsA, ifA, ipB: `10.${n}.0.2` };
  }

  /** Remembers a namespace something else creates (so that cleanup removes it). */
  adoptNetns(ns: string): void {
    this.namespaces.push(ns);
  }

  /** Remembers a host link to delete at cleanup. */
  hostLink(name: string): string {
    this.hostLinks.push(name);
    return name;
  }

  /** A bind mount to undo at cleanup. */
  mount(path: string): void {
    this.mounts.push(path);
  }

  /** Starts a long-lived process (e.g. `unshare -n sleep`), killed at cleanup. */
  spawn(cmd: string, args: string[]): ChildProcess {
    const p = spawn(cmd, args, { stdio: 'ignore' });
    this.procs.push(p);
    return p;
  }

  cleanup(): void {
    for (const p of this.procs) if (p.exitCode === null) p.kill('SIGKILL');
    for (const m of this.mounts.reverse()) tryRun(`umount ${m}`);
    for (const l of this.hostLinks) tryRun(`ip link del ${l}`);
    for (const ns of this.namespaces) tryRun(`ip netns del ${ns}`);
  }

  /** Asserts nothing named after this scratch is left in `ip netns` or `ip link`. */
  assertClean(): void {
    const tag = this.name();
    assert.ok(!sh('ip netns list').includes(tag), `${tag} namespaces left behind`);
    assert.ok(!sh('ip -o link').includes(tag), `${tag} links left behind`);
  }
}

function tryRun(cmd: string): void {
  try {
    sh(cmd);
  } catch {
    // already gone, or never created
  }
}

/** Polls `cond` until true (at most ~15 s), then asserts it with `what`. */
export async function waitFor(cond: () => boolean, what: string, tries = 300): Promise<void> {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

/** A fresh graph with a host node, and the netns + netlink probes running on it. */
export async function startProbes(
  opts: { netlink?: Record<string, unknown>; netns?: Record<string, unknown> } = {},
): Promise<{
  graph: Graph;
  root: Node;
  bundle: ProbeBundle;
  status: () => Record<string, unknown>;
  stop: () => Promise<void>;
}> {
  const graph = new Graph({ host: 'sktest-host', origin: 'agent.sktest-host' });
  const root = graph.newNode({ Name: 'sktest-host', Type: 'host' });
  const bundle = await ProbeBundle.start(
    [netnsProbe as never, netlinkProbe as never],
    ['netlink'],
    {
      graph,
      root,
      hostID: 'sktest-host',
      logger: pino({ level: 'silent' }),
      options: { netns: { proc_scan_interval: 1, ...opts.netns }, netlink: { ...opts.netlink } },
    },
  );
  return {
    graph,
    root,
    bundle,
    status: () => bundle.status()['netlink'] as Record<string, unknown>,
    stop: () => bundle.stop(),
  };
}

/** Read helpers over a graph the probes write. */
export class View {
  constructor(readonly graph: Graph) {}

  netns(name: string): Node | undefined {
    for (const n of this.graph.nodes())
      if (n.metadata['Type'] === 'netns' && n.metadata['Name'] === name) return n;
    return undefined;
  }

  /** The ownership parent of a node. */
  owner(n: Node): Node | undefined {
    const e = this.graph.inEdges(n.id).find((x) => x.metadata['RelationType'] === 'ownership');
    return e ? this.graph.getNode(e.parent) : undefined;
  }

  /** Interface `name` owned by `owner` (a netns node or the host). */
  iface(owner: Node | undefined, name: string): Node | undefined {
    if (!owner) return undefined;
    for (const e of this.graph.outEdges(owner.id)) {
      if (e.metadata['RelationType'] !== 'ownership') continue;
      const c = this.graph.getNode(e.child);
      if (c?.metadata['Name'] === name && c.metadata['Type'] !== 'netns') return c;
    }
    return undefined;
  }

  /** Interfaces owned by `owner`. */
  ifaces(owner: Node | undefined): Node[] {
    if (!owner) return [];
    return this.graph
      .outEdges(owner.id)
      .filter((e) => e.metadata['RelationType'] === 'ownership')
      .map((e) => this.graph.getNode(e.child)!)
      .filter((c) => c && c.metadata['Type'] !== 'netns');
  }

  /** The layer2 edge between two nodes, either direction. */
  layer2(a: Node | undefined, b: Node | undefined): Edge | undefined {
    if (!a || !b) return undefined;
    return [...this.graph.outEdges(a.id), ...this.graph.inEdges(a.id)].find(
      (e) =>
        e.metadata['RelationType'] === 'layer2' &&
        ((e.parent === a.id && e.child === b.id) || (e.parent === b.id && e.child === a.id)),
    );
  }
}
