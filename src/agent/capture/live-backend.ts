// SPDX-License-Identifier: Apache-2.0
// The agent's default capture backend: a libpcap source (afpacket or pcap) opened in the node's
// network namespace feeds a flow table built from the capture's options; the table is ticked on
// flow.update and flow.expire, its updates and a Stats message every 10 s go to the analyzers.
import { LibpcapSource } from '../../capture/index.js';
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

/** The default backend: afpacket and pcap captures through libpcap. */
export function liveCaptureBackend(ctx: BackendContext): CaptureBackend {
  return {
    types: ['afpacket', 'pcap'],
    async start(spec): Promise<RunningCapture> {
      const table = tableFor(spec, ctx);
      const c = spec.capture;
      const source = new LibpcapSource({
        kind: spec.type === 'pcap' ? 'pcap' : 'afpacket',
        device: spec.ifName,
        ...(spec.netnsPath ? { netns: spec.netnsPath } : {}),
        bpf: c.BPFFilter ?? '',
        ...(c.HeaderSize ? { snaplen: c.HeaderSize } : {}),
        sink: (batch) => table.feed(batch),
      });
      await source.start();
      ctx.logger.info(
        { capture: c.UUID, device: spec.ifName, netns: spec.netnsPath, type: spec.type },
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
        tableStats: () => ({ ...table.counters, size: table.size }),
        async stop() {
          await source.stop();
          stopTable();
        },
      };
    },
  };
}
