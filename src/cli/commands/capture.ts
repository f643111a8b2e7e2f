// SPDX-License-Identifier: Apache-2.0
// `client capture create|list|get|delete` with Skydive's flags (skydive-compat §8): the body of
// POST /api/capture built from the flags (numbers and layer names checked here), TTL in ms.
import type { Command } from 'commander';
import type { CaptureRequest } from '../../client/index.js';
import type { CliContext } from '../context.js';
import { CommandError, UsageError, describeError } from '../errors.js';
import { printJSON } from '../io.js';

/** Flags of `capture create`, as commander parses them. */
export interface CaptureCreateOpts {
  gremlin?: string;
  node?: string;
  bpf?: string;
  name?: string;
  description?: string;
  type?: string;
  port?: string;
  samplingrate?: string;
  pollinginterval?: string;
  headerSize?: string;
  rawpacketLimit?: string;
  extraTcpMetric?: boolean;
  ipDefrag?: boolean;
  reassambleTcp?: boolean;
  layerKeyMode?: string;
  extraLayer?: string[];
  target?: string;
  targetType?: string;
  ttl?: string;
}

const LAYERS: Record<string, number> = { VRRP: 1, DNS: 2, DHCPV4: 4 };

function intFlag(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`--${name}: '${v}' is not an integer`);
  return Number(v);
}

/** The capture `capture create` sends; throws UsageError for inconsistent flags. */
export function newCapture(opts: CaptureCreateOpts): CaptureRequest {
  if (opts.gremlin && opts.node) throw new UsageError('--gremlin and --node are exclusive');
  const gremlin = opts.node ? `G.V().Has('TID', '${opts.node}')` : (opts.gremlin ?? '');
  if (gremlin === '') throw new UsageError('--gremlin or --node is required');
  let extraLayers = 0;
  for (const l of opts.extraLayer ?? []) {
    const bit = LAYERS[l.toUpperCase()];
    if (bit === undefined)
      throw new UsageError(`--extra-layer: '${l}' is not one of DNS, DHCPv4, VRRP`);
    extraLayers |= bit;
  }
  const body: CaptureRequest = {
    GremlinQuery: gremlin,
    BPFFilter: opts.bpf ?? '',
    Name: opts.name ?? '',
    Description: opts.description ?? '',
    Type: opts.type ?? '',
    Port: intFlag('port', opts.port, 0),
    SamplingRate: intFlag('samplingrate', opts.samplingrate, 1),
    PollingInterval: intFlag('pollinginterval', opts.pollinginterval, 10),
    HeaderSize: intFlag('header-size', opts.headerSize, 0),
    RawPacketLimit: intFlag('rawpacket-limit', opts.rawpacketLimit, 0),
    ExtraTCPMetric: opts.extraTcpMetric ?? false,
    IPDefrag: opts.ipDefrag ?? false,
    ReassembleTCP: opts.reassambleTcp ?? false,
    LayerKeyMode: opts.layerKeyMode ?? 'L2',
    ExtraLayers: extraLayers,
    Target: opts.target ?? '',
    TargetType: opts.targetType ?? '',
  };
  return body;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `capture` under `client`. */
export function registerCaptureCommands(client: Command, ctx: CliContext): void {
  const capture = client.command('capture').description('Manage captures');
  capture
    .command('create')
    .description('Create capture')
    .option('--gremlin <query>', 'Gremlin Query')
    .option('--node <tid>', 'node TID (builds the Gremlin query)')
    .option('--bpf <filter>', 'BPF filter')
    .option('--name <name>', 'capture name')
    .option('--description <text>', 'capture description')
    .option('--type <type>', 'capture type (afpacket, pcap, pcapsocket, sflow…)')
    .option('--port <port>', 'capture port (sFlow)')
    .option('--samplingrate <n>', 'sampling rate for sFlow, 0: no flow samples', '1')
    .option('--pollinginterval <n>', 'polling interval for sFlow counters, 0: none', '10')
    .option('--header-size <n>', 'header size of packet used')
    .option('--rawpacket-limit <n>', 'raw packets kept per flow (0..10)')
    .option('--extra-tcp-metric', 'add additional TCP metrics to flows')
    .option('--ip-defrag', 'defragment IPv4 packets')
    .option('--reassamble-tcp', 'reassemble TCP packets')
    .option('--layer-key-mode <mode>', 'first layer used by the flow key: L2 or L3', 'L2')
    .option('--extra-layer <layer>', 'extra layer: DNS, DHCPv4, VRRP (repeatable)', collect)
    .option('--target <host:port>', 'sFlow/NetFlow target (not supported by skydive-ts)')
    .option('--target-type <type>', 'target type: netflowv5, erspanv1')
    .option('--ttl <ms>', 'time to live of the capture, in milliseconds')
    .action(async (opts: CaptureCreateOpts) => {
      const body = newCapture(opts);
      const ttl = opts.ttl === undefined ? undefined : intFlag('ttl', opts.ttl, 0);
      const created = await ctx.client().create('capture', body, ttl === undefined ? {} : { ttl });
      printJSON(ctx.io, created);
    });
  capture
    .command('list')
    .description('List captures')
    .action(async () => printJSON(ctx.io, await ctx.client().list('capture')));
  capture
    .command('get')
    .description('Display capture')
    .argument('<id>', 'capture UUID')
    .action(async (id: string) => printJSON(ctx.io, await ctx.client().get('capture', id)));
  capture
    .command('delete')
    .description('Delete capture')
    .argument('<id...>', 'capture UUIDs')
    .action(async (ids: string[]) => {
      const failures: string[] = [];
      for (const id of ids)
        await ctx
          .client()
          .delete('capture', id)
          .catch((err: unknown) => failures.push(describeError(err)));
      if (failures.length > 0) throw new CommandError(failures.join('\n'));
    });
}
