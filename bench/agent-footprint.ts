// SPDX-License-Identifier: Apache-2.0
// Agent footprint: `bin/skydive agent` as its own process, connected to an analyzer in this
// process, with NAMESPACES namespaces each holding one end of a veth pair (the other end in the
// host namespace), idle for IDLE seconds once synced: CPU (% of one core) and RSS. Baseline in the
// same run, "bare-node": an idle Node.js process (`setInterval` only), the runtime's own floor.
// Skydive's published figures for the same setup: 3.92 % of a core, about 95 MB. Targets ≤ 1 %,
// ≤ 80 MB. Root.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { startAnalyzer } from '../src/analyzer/main.js';
import { loadConfig } from '../src/config/index.js';
import { benchDataDir } from './lib/data-dir.js';
import { printFigure } from './lib/report.js';

const NAMESPACES = Number(process.env['NAMESPACES'] ?? 100);
const IDLE = Number(process.env['IDLE'] ?? 60);
const id = randomBytes(2).toString('hex');
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
const TICK = 100; // USER_HZ on Linux
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) and RSS bytes of a process, from /proc. */
function usage(pid: number): { cpu: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICK;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return { cpu, rss: rssKb * 1024 };
}

/** CPU share of one core and final RSS of `child` over IDLE seconds. */
async function idleFootprint(child: ChildProcess): Promise<{ cpuPct: number; rssMB: number }> {
  const a = usage(child.pid!);
  const t0 = Date.now();
  await sleep(IDLE * 1000);
  const b = usage(child.pid!);
  const secs = (Date.now() - t0) / 1000;
  return { cpuPct: ((b.cpu - a.cpu) / secs) * 100, rssMB: b.rss / 1e6 };
}

const namespaces: string[] = [];
const hostEnds: string[] = [];
const children: ChildProcess[] = [];
try {
  for (let i = 0; i < NAMESPACES; i++) {
    const ns = `skfp-${id}-${i}`;
    ip('netns', 'add', ns);
    namespaces.push(ns);
    const [a, b] = [`skfa${id}${i}`, `skfb${id}${i}`];
    ip('link', 'add', a, 'type', 'veth', 'peer', 'name', b);
    hostEnds.push(a);
    ip('link', 'set', b, 'netns', ns);
  }
  const an = await startAnalyzer(
    loadConfig({
      overrides: {
        host_id: `skfp-an-${id}`,
        'analyzer.listen': '127.0.0.1:0',
        'storage.sqlite.data_dir': benchDataDir(),
      },
    }),
    { logger: pino({ level: 'silent' }) },
  );
  try {
    const agent = spawn(
      'bin/skydive',
      ['agent', '--host-id', `skfp-ag-${id}`, '--listen', '127.0.0.1:0'],
      {
        stdio: ['ignore', 'ignore', 'ignore'],
        env: { ...process.env, SKYDIVE_ANALYZERS: an.address, SKYDIVE_LOGGING_LEVEL: 'WARNING' },
      },
    );
    children.push(agent);
    // Synced: every namespace's veth end is on the analyzer.
    const synced = () =>
      [...an.context.graph.nodes()].filter((n) =>
        String(n.metadata['Name']).startsWith(`skfb${id}`),
      ).length;
    for (let i = 0; i < 600 && synced() < NAMESPACES; i++) await sleep(100);
    if (synced() < NAMESPACES)
      throw new Error(`agent synced ${synced()} of ${NAMESPACES} namespaces`);
    await sleep(5000); // let start-up work (first metrics round, ethtool) settle
    const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    children.push(bare);
    await sleep(1000);
    const [ours, base] = await Promise.all([idleFootprint(agent), idleFootprint(bare)]);
    console.log(
      `agent footprint, ${NAMESPACES} namespaces with a veth each, idle ${IDLE} s; Skydive: 3.92 % and ~95 MB; targets ≤ 1 % and ≤ 80 MB`,
    );
    printFigure('CPU', ours.cpuPct, 'bare-node', base.cpuPct, '% of a core');
    printFigure('RSS', ours.rssMB, 'bare-node', base.rssMB, 'MB');
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await sleep(1000);
    await an.close();
  }
} finally {
  for (const a of hostEnds) {
    try {
      ip('link', 'del', a);
    } catch {
      // gone with its namespace
    }
  }
  for (const ns of namespaces) ip('netns', 'del', ns);
}
