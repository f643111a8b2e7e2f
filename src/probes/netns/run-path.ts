// SPDX-License-Identifier: Apache-2.0
// Watches the named-namespace directory (`ip netns` uses /var/run/netns) with fs.watch. The
// directory may be missing and appear later, or go away: then it is polled until it is back.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NsIdentity } from './setns.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Identity of `path` once it is a namespace. `ip netns add` creates an empty file first and
 * bind-mounts the namespace on it a moment later: until then it has its directory's device.
 * Returns undefined when the path is gone or never became a namespace.
 */
export async function namespaceAt(
  path: string,
  dirDev: number,
  tries = 50,
  delayMs = 20,
): Promise<NsIdentity | undefined> {
  for (let i = 0; i < tries; i++) {
    try {
      const st = await stat(path);
      if (st.dev !== dirDev) return { dev: st.dev, ino: st.ino };
    } catch {
      return undefined;
    }
    await sleep(delayMs);
  }
  return undefined;
}

export interface RunPathTarget {
  /** A path became a namespace (id) or stopped being one (undefined). */
  setNamed(path: string, id: NsIdentity | undefined): void;
  /** Named paths currently known, to notice removals. */
  namedPaths(): string[];
}

export interface RunPathOptions {
  /** How long to wait for a missing directory before looking again, ms. */
  pollMs?: number;
  /** Identity of a file of the directory once it is a namespace (tests replace it). */
  identify?: (path: string, dirDev: number) => Promise<NsIdentity | undefined>;
}

/** Keeps a RunPathTarget in step with the files of one directory. */
export class RunPathWatcher {
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly target: RunPathTarget,
    private readonly onError: (err: unknown) => void,
    opts: RunPathOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.identify = opts.identify ?? ((p, d) => namespaceAt(p, d));
  }

  private readonly pollMs: number;
  private readonly identify: (path: string, dirDev: number) => Promise<NsIdentity | undefined>;

  start(): void {
    this.stopped = false;
    void this.attach();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
    if (this.poll) clearTimeout(this.poll);
    this.poll = undefined;
  }

  /** Watches the directory if it exists, else polls for it; then syncs its whole content. */
  private async attach(): Promise<void> {
    if (this.stopped || this.watcher) return;
    try {
      const w = watch(this.dir, { persistent: false }, (_ev, file) => {
        if (file) this.check(join(this.dir, file.toString()));
        else void this.sync();
      });
      w.on('error', () => this.detach());
      this.watcher = w;
    } catch {
      this.poll = setTimeout(() => {
        this.poll = undefined;
        void this.attach();
      }, this.pollMs);
    }
    await this.sync();
  }

  private detach(): void {
    this.watcher?.close();
    this.watcher = undefined;
    void this.sync().then(() => this.attach());
  }

  /** Compares the directory with what the target knows; also the periodic safety net. */
  async sync(): Promise<void> {
    if (this.stopped) return;
    let files: string[] = [];
    try {
      files = (await readdir(this.dir)).map((f) => join(this.dir, f));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.fail(err);
      if (this.watcher) this.detach();
    }
    const present = new Set(files);
    for (const p of this.target.namedPaths()) if (!present.has(p)) this.check(p);
    for (const p of files) this.check(p);
  }

  /** Re-examines one path; checks of the same path run one after the other. */
  check(path: string): void {
    const prev = this.chains.get(path) ?? Promise.resolve();
    const next = prev.then(async () => {
      if (this.stopped) return;
      try {
        const dirDev = (await stat(this.dir)).dev;
        this.target.setNamed(path, await this.identify(path, dirDev));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.target.setNamed(path, undefined);
        else this.fail(err);
      }
    });
    this.chains.set(path, next);
    void next.finally(() => {
      if (this.chains.get(path) === next) this.chains.delete(path);
    });
  }

  private fail(err: unknown): void {
    this.onError(err);
  }
}
