// SPDX-License-Identifier: Apache-2.0
// The namespaces the netns probe knows, deduplicated by nsfs identity: each one gathers its
// sources (named paths, paths other probes registered, processes) and is shown by one `netns`
// node while at least one source remains. Writes the graph and emits added/removed/updated.
import { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import { linkID, type Graph, type Node } from '../../graph/index.js';
import type { Netns, NetnsEvents } from './api.js';
import { nsKey, type NsIdentity } from './setns.js';
import { hostTID, netnsTID } from './tid.js';

interface Entry {
  key: string;
  id: NsIdentity;
  /** Named paths (run_path) → name. */
  named: Map<string, string>;
  /** Paths registered by other probes → name and use count. */
  registered: Map<string, { name: string; uses: number }>;
  /** Processes inside, from the last /proc scan (sorted). */
  pids: number[];
  /** The pid whose path is shown, kept while that process lives. */
  pid: number | undefined;
  ns: NsRecord | undefined;
}

interface NsRecord extends Netns {
  path: string;
  name: string;
}

/** Where a namespace is shown from, in order of preference. */
function pick(e: Entry): { path: string; name: string; pid?: number } | undefined {
  if (e.named.size > 0) {
    const path = [...e.named.keys()].sort()[0]!;
    return { path, name: e.named.get(path)! };
  }
  const reg = e.registered.entries().next();
  if (!reg.done) return { path: reg.value[0], name: reg.value[1].name };
  if (e.pids.length > 0) {
    const pid = e.pid !== undefined && e.pids.includes(e.pid) ? e.pid : e.pids[0]!;
    return { path: `/proc/${pid}/ns/net`, name: `pid-${pid}`, pid };
  }
  return undefined;
}

export interface RegistryCounts {
  namespaces: number;
  named: number;
  registered: number;
  fromProcesses: number;
}

/** The namespace table and its graph nodes. All methods are synchronous graph writes. */
export class NetnsRegistry {
  readonly events = new EventEmitter<NetnsEvents>();
  readonly host: Netns;
  private readonly entries = new Map<string, Entry>();
  private readonly byPath = new Map<string, string>();

  constructor(
    private readonly graph: Graph,
    private readonly root: Node,
    private readonly hostID: string,
    hostId: NsIdentity,
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {
    this.host = {
      key: nsKey(hostId),
      id: hostId,
      host: true,
      node: root,
      path: '/proc/self/ns/net',
      name: String(root.metadata['Name'] ?? hostID),
    };
  }

  list(): Netns[] {
    const out: Netns[] = [this.host];
    for (const e of this.entries.values()) if (e.ns) out.push(e.ns);
    return out;
  }

  get(key: string): Netns | undefined {
    if (key === this.host.key) return this.host;
    return this.entries.get(key)?.ns;
  }

  /** The namespace shown for `path`, if any. */
  byPathKey(path: string): string | undefined {
    return this.byPath.get(path);
  }

  counts(): RegistryCounts {
    const c: RegistryCounts = { namespaces: 0, named: 0, registered: 0, fromProcesses: 0 };
    for (const e of this.entries.values()) {
      if (!e.ns) continue;
      c.namespaces++;
      if (e.named.size > 0) c.named++;
      else if (e.registered.size > 0) c.registered++;
      else c.fromProcesses++;
    }
    return c;
  }

  /** Named namespace paths currently known. */
  namedPaths(): string[] {
    const out: string[] = [];
    for (const e of this.entries.values()) out.push(...e.named.keys());
    return out;
  }

  private entry(id: NsIdentity): Entry | undefined {
    const key = nsKey(id);
    if (key === this.host.key) return undefined;
    let e = this.entries.get(key);
    if (!e) {
      e = {
        key,
        id,
        named: new Map(),
        registered: new Map(),
        pids: [],
        pid: undefined,
        ns: undefined,
      };
      this.entries.set(key, e);
    }
    return e;
  }

  private detachPath(path: string): Entry | undefined {
    const key = this.byPath.get(path);
    if (key === undefined) return undefined;
    this.byPath.delete(path);
    return this.entries.get(key);
  }

  /** A named path appeared (id) or went away (undefined). */
  setNamed(path: string, id: NsIdentity | undefined): void {
    const old = this.byPath.get(path);
    if (id && old === nsKey(id)) return;
    const prev = this.detachPath(path);
    if (prev) {
      prev.named.delete(path);
      this.reconcile(prev);
    }
    if (!id) return;
    const e = this.entry(id);
    if (!e) return;
    e.named.set(path, basename(path));
    this.byPath.set(path, e.key);
    this.reconcile(e);
  }

  /** Adds one use of a path another probe watches. */
  register(path: string, name: string, id: NsIdentity): Netns | undefined {
    if (nsKey(id) === this.host.key) return this.host;
    const e = this.entry(id)!;
    const r = e.registered.get(path);
    if (r) r.uses++;
    else {
      const prev = this.byPath.get(path);
      if (prev !== undefined && prev !== e.key) this.unregisterAll(path);
      e.registered.set(path, { name, uses: 1 });
      if (!e.named.has(path)) this.byPath.set(path, e.key);
    }
    this.reconcile(e);
    return e.ns;
  }

  private unregisterAll(path: string): void {
    for (const e of this.entries.values()) {
      if (e.registered.delete(path)) this.reconcile(e);
    }
  }

  /** Drops one use of a registered path. */
  unregister(path: string): void {
    for (const e of this.entries.values()) {
      const r = e.registered.get(path);
      if (!r) continue;
      if (--r.uses > 0) return;
      e.registered.delete(path);
      if (!e.named.has(path) && this.byPath.get(path) === e.key) this.byPath.delete(path);
      this.reconcile(e);
      return;
    }
  }

  /** Replaces the process view with a fresh /proc scan: key → identity and sorted pids. */
  setProcesses(scan: Map<string, { id: NsIdentity; pids: number[] }>): void {
    for (const e of [...this.entries.values()]) {
      if (!scan.has(e.key) && e.pids.length > 0) {
        e.pids = [];
        this.reconcile(e);
      }
    }
    for (const [key, s] of scan) {
      if (key === this.host.key) continue;
      const e = this.entry(s.id)!;
      e.pids = s.pids;
      this.reconcile(e);
    }
  }

  /** Removes every namespace (the probe stops). */
  clear(): void {
    for (const e of [...this.entries.values()]) {
      e.named.clear();
      e.registered.clear();
      e.pids = [];
      this.reconcile(e);
    }
    this.byPath.clear();
  }

  private reconcile(e: Entry): void {
    const want = pick(e);
    if (!want) {
      this.entries.delete(e.key);
      if (e.ns) this.remove(e.ns);
      return;
    }
    e.pid = want.pid;
    const hostTid = hostTID(this.root, this.hostID);
    if (!e.ns) {
      const node = this.graph.newNode({
        Name: want.name,
        Type: 'netns',
        Path: want.path,
        Inode: e.id.ino,
        Device: e.id.dev,
        TID: netnsTID(hostTid, want.path),
      });
      this.graph.newEdge(
        this.root.id,
        node.id,
        { RelationType: 'ownership' },
        { id: linkID(this.root.id, node.id, 'ownership') },
      );
      e.ns = { key: e.key, id: e.id, host: false, node, path: want.path, name: want.name };
      this.emit('added', e.ns);
      return;
    }
    if (e.ns.path === want.path && e.ns.name === want.name) return;
    e.ns.path = want.path;
    e.ns.name = want.name;
    if (this.graph.getNode(e.ns.node.id)) {
      this.graph.updateMetadata(e.ns.node, [
        { Type: 1, Key: 'Name', Value: want.name },
        { Type: 1, Key: 'Path', Value: want.path },
        { Type: 1, Key: 'TID', Value: netnsTID(hostTid, want.path) },
      ]);
    }
    this.emit('updated', e.ns);
  }

  private remove(ns: NsRecord): void {
    for (const [p, k] of this.byPath) if (k === ns.key) this.byPath.delete(p);
    this.emit('removed', ns);
    // Whatever other probes still hang under the namespace goes with it (as in Skydive).
    for (const edge of [...this.graph.outEdges(ns.node.id)]) {
      if (edge.metadata['RelationType'] === 'ownership') this.graph.delNode(edge.child);
    }
    this.graph.delNode(ns.node.id);
  }

  private emit(event: keyof NetnsEvents, ns: Netns): void {
    try {
      this.events.emit(event, ns);
    } catch (err) {
      // A failing listener must not break the registry's bookkeeping.
      this.onListenerError(err);
    }
  }
}
