// SPDX-License-Identifier: Apache-2.0
// Browser-test kit: Debian's chromium driven by playwright-core (persistent context in a temp dir,
// removed after), the web UI built when missing, screenshots under test-artifacts/screenshots/,
// and `bin/skydive allinone` as a child process on free loopback ports.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Teardown } from '../integration/helpers.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';
/** Whether the browser tests can run here. */
export const hasChromium = existsSync(CHROMIUM);

/** Flags of platform.md §D (headless chromium as root, no network side traffic). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The newest modification time of the files under `dir` (0 when absent). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  const st = statSync(dir);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(dir)) max = Math.max(max, newest(path.join(dir, e)));
  return max;
}

/** Builds ui/dist when it is missing or older than its sources (as scripts/setup does). */
export function ensureUiBuilt(): void {
  const index = path.join(ROOT, 'ui', 'dist', 'index.html');
  const sources = ['ui/src', 'ui/index.html', 'ui/vite.config.ts', 'src/client', 'src/protocol'];
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (built > 0 && sources.every((d) => newest(path.join(ROOT, d)) <= built)) return;
  if (!existsSync(path.join(ROOT, 'ui', 'node_modules')))
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: path.join(ROOT, 'ui') });
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: path.join(ROOT, 'ui') });
}

/** A page in a fresh headless chromium; page errors are collected in `errors`. */
export interface BrowserPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** Saves test-artifacts/screenshots/<name>.png. */
  screenshot(name: string): Promise<void>;
}

/** Launches chromium with a private profile; closed and removed at teardown. */
export async function openBrowser(t: Teardown, extraArgs: string[] = []): Promise<BrowserPage> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sktest-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 850 },
      args: [...CHROMIUM_ARGS, ...extraArgs],
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  t.after(async () => {
    await context.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    errors,
    screenshot: async (name) => {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
    },
  };
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A running `bin/skydive allinone`. */
export interface Allinone {
  /** `127.0.0.1:port` of the analyzer (and the UI). */
  address: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `bin/skydive allinone` and waits until its agent's host node is on the analyzer. */
export async function startAllinone(
  t: Teardown,
  opts: { hostId: string; config?: string },
): Promise<Allinone> {
  const port = await freePort();
  const agentPort = await freePort();
  const args = [
    'allinone',
    '--listen',
    `127.0.0.1:${port}`,
    '--agent-listen',
    `127.0.0.1:${agentPort}`,
  ];
  args.push('--host-id', opts.hostId);
  if (opts.config) args.unshift('-c', opts.config);
  // the embedded SQLite stores (the default backend) live in a directory removed afterwards
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sktest-e2e-'));
  const child = spawn(path.join(ROOT, 'bin/skydive'), args, {
    cwd: ROOT,
    env: {
      ...process.env,
      SKYDIVE_LOGGING_LEVEL: 'warn',
      SKYDIVE_STORAGE_SQLITE_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr?.on('data', (b: Buffer) => (tail = (tail + b.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  };
  t.after(stop);
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`allinone exited: ${tail}`);
    try {
      const r = await fetch(`http://${address}/api/topology`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          GremlinQuery: `G.V().Has('Type', 'host', 'Name', '${opts.hostId}')`,
        }),
      });
      if (r.ok && ((await r.json()) as unknown[]).length > 0) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`allinone did not come up: ${tail}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { address, child, stderr: () => tail, stop };
}

/** What the UI page exposes to tests (ui/src/view/bench-hook.ts), read as `globalThis` in the page. */
export interface UiGlobals {
  __skydive?: {
    visibleNames(): string[];
    highlightedNames(): string[];
    removedNames(): string[];
    locate(names: string[]): Promise<Array<[number, number]>>;
  };
}
