// SPDX-License-Identifier: Apache-2.0
// `skydive flows FILE`: the flows Skydive would make of a pcap/pcapng capture ("-" = stdin), as
// Skydive JSON or a table, offline (no agent or analyzer). --bpf pre-filters through tcpdump.

import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Option, type Command } from 'commander';
import { LinkType } from '../../flow/packet.js';
import { OfflineFlows, type OfflineResult } from '../../flow/table/index.js';
import { flowToJSON, type Flow } from '../../protocol/flow.js';
import { CommandError, UsageError } from '../errors.js';
import type { CliIO } from '../io.js';

interface FlowsOptions {
  output: 'json' | 'table';
  layerKeyMode: 'L2' | 'L3';
  extraTcpMetric?: boolean;
  ipDefrag?: boolean;
  reassembleTcp?: boolean;
  extraLayers?: string;
  bpf?: string;
  linkType?: 'ethernet' | 'raw';
  nodeTid?: string;
  captureId?: string;
  update: string;
  expire: string;
}

const EXTRA_LAYERS: Record<string, number> = { VRRP: 1, DNS: 2, DHCPV4: 4 };

function parseExtraLayers(list: string | undefined): number {
  let mask = 0;
  for (const name of (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const bit = EXTRA_LAYERS[name.toUpperCase()];
    if (bit === undefined)
      throw new UsageError(`Extra layer not supported: ${name} (use DNS, VRRP, DHCPv4)`);
    mask |= bit;
  }
  return mask;
}

function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive number of seconds, got "${value}"`);
  return n;
}

/** The capture bytes: the file, stdin, or tcpdump's filtered copy of either. */
function captureStream(
  io: CliIO,
  file: string,
  bpf: string | undefined,
): { stream: Readable; done: Promise<void> } {
  if (bpf === undefined) {
    const stream =
      file === '-' ? (io.stdin as Readable) : createReadStream(file, { highWaterMark: 1 << 20 });
    return { stream, done: Promise.resolve() };
  }
  // libpcap compiles the filter for the file's link type; tcpdump writes the matching packets as pcap
  const child = spawn('tcpdump', ['-r', file, '-w', '-', '--', bpf], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (file === '-') (io.stdin as Readable).pipe(child.stdin);
  else child.stdin.end();
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (e) => reject(new CommandError(`--bpf needs tcpdump: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new CommandError(
            `--bpf "${bpf}": ${err.trim().split('\n').pop() ?? `tcpdump exited with ${code}`}`,
          ),
        );
    });
  });
  return { stream: child.stdout, done };
}

async function readFlows(
  io: CliIO,
  file: string,
  offline: OfflineFlows,
  bpf: string | undefined,
): Promise<OfflineResult> {
  const { stream, done } = captureStream(io, file, bpf);
  try {
    for await (const chunk of stream) offline.push(chunk as Uint8Array);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    if (bpf !== undefined) await done.catch(() => undefined);
    throw e;
  }
  await done;
  return offline.end();
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

function endpoint(f: Flow, side: 'A' | 'B'): string {
  const net = f.Network?.[side] ?? f.Link?.[side] ?? '';
  const port = f.Transport?.[side];
  return port !== undefined ? (net.includes(':') ? `[${net}]:${port}` : `${net}:${port}`) : net;
}

/** A readable table: application, A → B, packets, bytes, duration, TrackingID. */
export function flowsTable(flows: readonly Flow[]): string {
  const rows = flows.map((f) => {
    const m = f.Metric;
    return [
      f.Application ?? '',
      `${endpoint(f, 'A')} -> ${endpoint(f, 'B')}`,
      `${(m?.ABPackets ?? 0) + (m?.BAPackets ?? 0)}`,
      `${(m?.ABBytes ?? 0) + (m?.BABytes ?? 0)}`,
      `${((f.Last - f.Start) / 1000).toFixed(3)}s`,
      f.TrackingID ?? '',
    ];
  });
  const head = ['PROTO', 'A -> B', 'PACKETS', 'BYTES', 'DURATION', 'TRACKING ID'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return (
    [head, ...rows]
      .map((r) =>
        r
          .map((c, i) => pad(c, widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function report(io: CliIO, r: OfflineResult, verbose: boolean): void {
  const t = r.table;
  const errors = Object.entries(t.decodeErrors).filter(([k]) => k !== 'unsupported');
  const damaged = r.reader.errors + errors.reduce((s, [, n]) => s + n, 0);
  if (damaged > 0 || verbose) {
    const parts = [`${t.packets} packets`, `${r.flows.length} flows`];
    if (r.reader.errors)
      parts.push(
        `${r.reader.errors} damaged capture records (${r.reader.skippedBytes} bytes skipped)`,
      );
    for (const [k, n] of errors) parts.push(`${n} ${k} packets`);
    if (t.decodeErrors.unsupported)
      parts.push(`${t.decodeErrors.unsupported} with an undecoded protocol`);
    if (t.noFlow) parts.push(`${t.noFlow} without link or network layer`);
    io.stderr.write(`skydive flows: ${parts.join(', ')}\n`);
  }
  if (verbose) {
    for (const d of r.damage) io.stderr.write(`  offset ${d.offset}: ${d.kind}: ${d.message}\n`);
    io.stderr.write(`  table: ${JSON.stringify(t)}\n`);
  }
}

/** Registers `flows FILE` on the root command. */
export function registerFlowsCommand(program: Command, io: CliIO): void {
  program
    .command('flows <file>')
    .description(
      'Print the flows Skydive makes of a pcap or pcapng capture ("-" reads stdin), offline',
    )
    .addOption(
      new Option('--output <format>', 'output format').choices(['json', 'table']).default('json'),
    )
    .addOption(
      new Option(
        '--layer-key-mode <mode>',
        'flow key: links and addresses (L2) or addresses only (L3)',
      )
        .choices(['L2', 'L3'])
        .default('L2'),
    )
    .option('--extra-tcp-metric', 'fill TCPMetric (SYN/FIN/RST times, SYN TTLs)')
    .option('--ip-defrag', 'reassemble fragmented IPv4 packets')
    .option('--reassemble-tcp', 'track TCP segments (out of order, skipped)')
    .option('--extra-layers <list>', 'application layers to report: DNS,VRRP,DHCPv4')
    .option('--bpf <filter>', 'keep only packets matching this BPF filter (runs tcpdump)')
    .addOption(
      new Option(
        '--link-type <type>',
        "decode packets as this link type instead of the file's",
      ).choices(['ethernet', 'raw']),
    )
    .option('--node-tid <tid>', 'capture node TID (part of each flow UUID)')
    .option('--capture-id <id>', 'capture ID written in each flow')
    .option('--update <seconds>', 'flow.update period in packet time', '60')
    .option('--expire <seconds>', 'flow.expire period in packet time', '600')
    .action(async (file: string, o: FlowsOptions) => {
      const verbose = Boolean(program.opts<{ verbose?: boolean }>().verbose);
      const offline = new OfflineFlows({
        layerKeyMode: o.layerKeyMode,
        extraTCPMetric: Boolean(o.extraTcpMetric),
        ipDefrag: Boolean(o.ipDefrag),
        reassembleTCP: Boolean(o.reassembleTcp),
        extraLayers: parseExtraLayers(o.extraLayers),
        updateSeconds: seconds(o.update, '--update'),
        expireSeconds: seconds(o.expire, '--expire'),
        ...(o.nodeTid ? { nodeTID: o.nodeTid } : {}),
        ...(o.captureId ? { captureID: o.captureId } : {}),
        ...(o.linkType
          ? { linkType: o.linkType === 'raw' ? LinkType.RAW : LinkType.ETHERNET }
          : {}),
      });
      const result = await readFlows(io, file, offline, o.bpf);
      if (o.output === 'table') io.stdout.write(flowsTable(result.flows));
      else io.stdout.write(`${JSON.stringify(result.flows.map(flowToJSON), null, 2)}\n`);
      report(io, result, verbose);
    });
}
