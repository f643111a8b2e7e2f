// SPDX-License-Identifier: Apache-2.0
// The agent's default capture backend: a libpcap source (afpacket or pcap) opened in the node's
// network namespace feeds a flow table built from the capture's options; the table is ticked on
// flow.update and flow.expire, its updates and a Stats message every 10 s go to the analyzers.
import {
  LibpcapSource,
  PcapSocketSource,
  SFlowSource,
  type BatchSink,
  type CaptureSource,
} from '../../capture/index.js';
import { FlowTable } from '../../flow/table/index.js';
import type { Flow } from '../../protocol/flow.js';
import type { BackendContext } from './index.js';
import type { CaptureBackend, CaptureSpec, RunningCapture } from './manager.js';

/** Skydive sends each capture's Stats every 10 s. */
const STATS_MS = 10_000;

/** Application timeouts of flow.application_timeout (seconds, by upper-cased application). */
function appTimeouts(ctx: BackendContext): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, ms] of Object.entries(ctx.table.applicationTimeoutMs))
    out[k.toUpperCase()] = ms / 1000;
  return out;
}

/** The flow table of a capture, with the capture's options (§3.3) and the agent's flow.* keys. */
export function tableFor(spec: CaptureSpec, ctx: BackendContext): FlowTable {
  const c = spec.capture;
  const timeouts = appTimeouts(ctx);
  return new FlowTable({
    nodeTID: spec.nodeTID,
    captureID: c.UUID,
    layerKeyMode: c.LayerKeyMode === 'L3' ? 'L3' : 'L2',
    extraTCPMetric: c.ExtraTCPMetric === true,
    ipDefrag: c.IPDefrag === true,
    reassembleTCP: c.ReassembleTCP === true,
    extraLayers: c.ExtraLayers ?? 0,
    rawPacketLimit: c.RawPacketLimit ?? 0,
    maxEntries: ctx.table.maxEntries,
    ...(Object.keys(timeouts).length > 0 ? { applicationTimeouts: timeouts } : {}),
  });
}

/**
 * Runs a table's timers: update ticks send the touched flows, expire ticks the timed-out ones,
 * and Stats go out every 10 s. Returns the function that stops them and flushes the table.
 */
export function runTable(
  table: FlowTable,
  ctx: BackendContext,
  packets: () => { received: number; dropped: number },
): () => void {
  const send = (flows: Flow[]) => ctx.sender.send(flows);
  const timers = [
    setInterval(() => send(table.update(Date.now())), ctx.table.updateMs),
    setInterval(() => send(table.expire(Date.now())), ctx.table.expireMs),
    setInterval(() => {
      const p = packets();
      ctx.sender.sendStats(table.takeStats({ received: p.received, dropped: p.dropped }));
    }, STATS_MS),
  ];
  for (const t of timers) t.unref();
  return () => {
    for (const t of timers) clearInterval(t);
    send(table.update(Date.now()));
    send(table.flush());
  };
}

interface ListenerSettings {
  bind_address?: string;
  port_min?: number;
  port_max?: number;
  min_port?: number;
}

/** agent.flow.<kind> listener settings (bind address and port range). */
function listener(ctx: BackendContext, kind: 'sflow' | 'pcapsocket'): ListenerSettings {
  const flow = (ctx.config.agent as unknown as { flow?: Record<string, ListenerSettings> }).flow;
  return flow?.[kind] ?? {};
}

/** The packet source of a capture; `socket` is the address shown as PCAPSocket/SFlowSocket. */
function sourceFor(
  spec: CaptureSpec,
  ctx: BackendContext,
  sink: BatchSink,
): {
  source: CaptureSource;
  socket: () => Partial<Record<'PCAPSocket' | 'SFlowSocket', string>>;
  node?: () => Record<string, unknown> | undefined;
} {
  const c = spec.capture;
  if (spec.type === 'pcapsocket') {
    const l = listener(ctx, 'pcapsocket');
    const src = new PcapSocketSource({
      bindAddress: l.bind_address ?? '127.0.0.1',
      portMin: l.port_min ?? l.min_port ?? 8100,
      portMax: l.port_max ?? (l as { max_port?: number }).max_port ?? 8132,
      sink,
    });
    return { source: src, socket: () => (src.address ? { PCAPSocket: src.address } : {}) };
  }
  if (spec.type === 'sflow') {
    const l = listener(ctx, 'sflow');
    let counters: unknown;
    const src = new SFlowSource({
      bindAddress: l.bind_address ?? '127.0.0.1',
      ...(c.Port ? { port: c.Port } : { portMin: l.port_min ?? 6345, portMax: l.port_max ?? 6355 }),
      ...(c.BPFFilter ? { bpf: c.BPFFilter } : {}),
      onCounters: (md) => (counters = md),
      sink,
    });
    return {
      source: src,
      socket: () => (src.address ? { SFlowSocket: src.address } : {}),
      node: () => (counters === undefined ? undefined : { SFlow: counters }),
    };
  }
  const src = new LibpcapSource({
    kind: spec.type === 'pcap' ? 'pcap' : 'afpacket',
    device: spec.ifName,
    ...(spec.netnsPath ? { netns: spec.netnsPath } : {}),
    bpf: c.BPFFilter ?? '',
    // Skydive's flow.DefaultCaptureLength: headers only unless the capture asks for more; byte
    // counts come from the wire length, and a small snap length keeps the kernel ring from filling
    // with GSO-sized frames.
    snaplen: c.HeaderSize || DEFAULT_HEADER_SIZE,
    sink,
  });
  return { source: src, socket: () => ({}) };
}

/** Bytes kept of each packet when a capture gives no HeaderSize (Skydive's DefaultCaptureLength). */
export const DEFAULT_HEADER_SIZE = 256;

/** The default backend: afpacket and pcap through libpcap, pcapsocket and sflow listeners. */
export function liveCaptureBackend(ctx: BackendContext): CaptureBackend {
  return {
    types: ['afpacket', 'pcap', 'pcapsocket', 'sflow'],
    async start(spec): Promise<RunningCapture> {
      const table = tableFor(spec, ctx);
      const c = spec.capture;
      const { source, socket, node } = sourceFor(spec, ctx, (batch) => table.feed(batch));
      await source.start();
      ctx.logger.info(
        {
          capture: c.UUID,
          device: spec.ifName,
          netns: spec.netnsPath,
          type: spec.type,
          ...socket(),
        },
        'capturing',
      );
      const stopTable = runTable(table, ctx, () => {
        const s = source.stats();
        return { received: s.packets, dropped: s.kernelDrops };
      });
      return {
        counters() {
          const s = source.stats();
          return { PacketsReceived: s.packets, PacketsDropped: s.kernelDrops, PacketsIfDropped: 0 };
        },
        metadata: socket,
        tableStats: () => ({ ...table.counters, size: table.size }),
        flows: () => table.flows(true),
        ...(node ? { nodeMetadata: node } : {}),
        async stop() {
          await source.stop();
          stopTable();
        },
      };
    },
  };
}
