// SPDX-License-Identifier: Apache-2.0
// What the netns probe offers its dependents (netlink, docker…): the namespaces it watches, each
// with its graph node, a way to run code inside it, and added/removed/updated events.
import type { EventEmitter } from 'node:events';
import type { Node } from '../../graph/index.js';
import type { NsIdentity } from './setns.js';

/** One network namespace the agent watches. The host's is always first and never removed. */
export interface Netns {
  /** `dev:ino` of the namespace: a named netns and the processes inside it share one key. */
  readonly key: string;
  readonly id: NsIdentity;
  /** True for the namespace the agent runs in; its node is the host node. */
  readonly host: boolean;
  /** The `netns` node (or the host node). */
  readonly node: Node;
  /** The path it is opened by: a named netns, a registered path, or /proc/<pid>/ns/net. */
  readonly path: string;
  readonly name: string;
}

/** Events of NetnsAPI.events. `updated` means its path or name (and so its TID) changed. */
export interface NetnsEvents {
  added: [ns: Netns];
  removed: [ns: Netns];
  updated: [ns: Netns];
}

/** The netns probe's API (`ctx.deps.netns`). */
export interface NetnsAPI {
  readonly events: EventEmitter<NetnsEvents>;
  /** The host namespace (node = the host node). */
  readonly host: Netns;
  /** Every namespace currently known, the host's first. */
  list(): Netns[];
  get(key: string): Netns | undefined;
  /**
   * Runs `fn` synchronously with the thread inside `ns`; sockets created there stay bound to it.
   * Throws (ENOENT, ESTALE…) when the namespace is gone.
   */
  within<T>(ns: Netns, fn: () => T): T;
  /** Opens a file descriptor on `ns` (the caller closes it), checked against its identity. */
  openFd(ns: Netns): number;
  /** Rescans /proc for process namespaces now. */
  rescan(): Promise<void>;
  /**
   * Adds a namespace path watched by another probe (docker's SandboxKey…), counted by use.
   * Returns the namespace, or undefined when the path is not a namespace (yet).
   */
  register(path: string, name?: string): Netns | undefined;
  /** Drops one use of a path given to register(). */
  unregister(path: string): void;
}
