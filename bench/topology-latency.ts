// SPDX-License-Identifier: Apache-2.0
// Kernel change → analyzer subscriber latency: an analyzer and an agent (netns + netlink probes) in
// this process, a veth pair in a namespace the bench creates, and CHANGES alternating
// `link set … up|down` written to one long-lived `ip -batch` process. Each change is timed from
// the write to the State update received by a /ws/subscriber client of the analyzer. Baseline in
// the same run, "ip-monitor": the same changes seen by `ip monitor link` (the kernel's own netlink
// notification reaching a userspace reader, no graph, no network hop). Target p99 < 50 ms. Root.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import pino from 'pino';
import { WebSocket } from 'ws';
import { startAgent } from '../src/agent/main.js';
import { startAnalyzer } from '../src/analyzer/main.js';
import { loadConfig } from '../src/config/index.js';
import { benchDataDir } from './lib/data-dir.js';
import { printLatency, stats } from './lib/report.js';

const CHANGES = Number(process.env['CHANGES'] ?? 1000);
const id = randomBytes(3).toString('hex');
const ns = `skbench-${id}`;
const [inner, outer] = [`skbi${id}`, `skbo${id}`];
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** Writes one command to a persistent `ip -batch -` and returns the write time. */
function batchIp() {
  const p = spawn('ip', ['-force', '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
  return {
    send(cmd: string): bigint {
      const t = process.hrtime.bigint();
      p.stdin.write(cmd + '\n');
      return t;
    },
    close: () => p.stdin.end(),
  };
}

/** The next expected state and who waits for it; `offer` settles the wait when it matches. */
class StateWaiter {
  private want: string | undefined;
  private resolve: ((t: bigint) => void) | undefined;
  expect = (state: 'UP' | 'DOWN'): Promise<bigint> =>
    new Promise((r) => {
      this.want = state;
      this.resolve = r;
    });
  offer(state: string, t: bigint): void {
    if (!this.resolve || state !== this.want) return;
    this.resolve(t);
    this.resolve = undefined;
  }
}

/** Times CHANGES changes, each from its write until `seen` reports the expected state. */
async function timeChanges(seen: (state: 'UP' | 'DOWN') => Promise<bigint>): Promise<number[]> {
  const b = batchIp();
  const out: number[] = [];
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  try {
    for (let i = 0; i < CHANGES; i++) {
      const state = i % 2 === 0 ? 'UP' : 'DOWN';
      const wait = seen(state);
      const t0 = b.send(`link set ${outer} ${state === 'UP' ? 'up' : 'down'}`);
      const timeout = setTimeout(
        () => fail(new Error(`change ${i} (${state}) not seen in 10 s`)),
        10_000,
      );
      try {
        out.push(Number((await Promise.race([wait, failed])) - t0));
      } finally {
        clearTimeout(timeout);
      }
    }
  } finally {
    b.close();
  }
  return out;
}

async function baseline(): Promise<number[]> {
  // stdbuf: ip's stdout is a pipe here, which libc would block-buffer.
  const mon = spawn('stdbuf', ['-oL', 'ip', 'monitor', 'link', 'dev', outer], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const waiter = new StateWaiter();
  mon.stdout.setEncoding('utf8');
  mon.stdout.on('data', (chunk: string) => {
    const t = process.hrtime.bigint();
    // The outer end's line carries its operational state, as the netlink probe's State does.
    for (const line of chunk.split('\n')) {
      const state = line.includes(`${outer}@`) ? /\bstate (\w+)/.exec(line)?.[1] : undefined;
      if (state) waiter.offer(state === 'UP' ? 'UP' : 'DOWN', t);
    }
  });
  await new Promise((r) => setTimeout(r, 300));
  try {
    return await timeChanges(waiter.expect);
  } finally {
    mon.kill();
  }
}

async function ours(): Promise<number[]> {
  const logger = pino({ level: 'silent' });
  const an = await startAnalyzer(
    loadConfig({
      overrides: {
        host_id: `skbench-an-${id}`,
        'analyzer.listen': '127.0.0.1:0',
        'storage.sqlite.data_dir': benchDataDir(),
      },
    }),
    { logger },
  );
  const agent = await startAgent(
    loadConfig({
      overrides: {
        host_id: `skbench-ag-${id}`,
        'agent.listen': '127.0.0.1:0',
        analyzers: [an.address],
        'agent.topology.probes': [],
      },
    }),
    { logger },
  );
  const ws = new WebSocket(`ws://${an.address}/ws/subscriber`, {
    headers: { 'X-Client-Type': 'bench', 'X-Host-ID': 'bench-sub', 'X-Update-Policy': 'partial' },
  });
  try {
    await once(ws, 'open');
    // Wait until the interface reached the analyzer, and learn its node ID.
    let nodeID: string | undefined;
    for (let i = 0; i < 200 && !nodeID; i++) {
      nodeID = [...an.context.graph.nodes()].find((n) => n.metadata['Name'] === outer)?.id;
      if (!nodeID) await new Promise((r) => setTimeout(r, 50));
    }
    if (!nodeID) throw new Error(`${outer} never reached the analyzer`);
    const waiter = new StateWaiter();
    ws.on('message', (data) => {
      const t = process.hrtime.bigint();
      const m = JSON.parse(String(data)) as {
        Type: string;
        Obj: { ID?: string; Ops?: { Key: string; Value?: unknown }[] };
      };
      if (m.Obj?.ID !== nodeID) return;
      const op = m.Obj.Ops?.find((o) => o.Key === 'State');
      if (op) waiter.offer(String(op.Value), t);
    });
    return await timeChanges(waiter.expect);
  } finally {
    ws.close();
    await agent.close();
    await an.close();
  }
}

ip('netns', 'add', ns);
try {
  ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
  ip('link', 'set', inner, 'netns', ns);
  // The inner end stays up, so the outer end's operational state follows its admin state.
  ip('-n', ns, 'link', 'set', inner, 'up');
  console.log(`topology latency over ${CHANGES} link up/down changes; target p99 < 50 ms`);
  const base = stats(await baseline());
  const mine = stats(await ours());
  printLatency('kernel change → subscriber', mine, 'ip-monitor', base);
} finally {
  try {
    ip('link', 'del', outer);
  } catch {
    // already gone with its namespace
  }
  ip('netns', 'del', ns);
}
