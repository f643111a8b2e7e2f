// SPDX-License-Identifier: Apache-2.0
// In-memory FlowStore: one Map of the latest state per UUID, the metric rows and raw packets per
// flow; the reference the SQL backends are checked against. Nothing survives a restart.
import {
  checkQuery,
  checkSeriesArgs,
  finish,
  latestPerUUID,
  metricIncluded,
  metricInRange,
  metricRows,
  packetInRange,
  rawPacketRows,
} from '../flow-query.js';
import type {
  FlowMetricRow,
  FlowQuery,
  FlowStore,
  InsertResult,
  PruneResult,
  StoredFlow,
  StoredRawPacket,
  TimeRange,
} from '../flow-store.js';

const byTime = (a: FlowMetricRow, b: FlowMetricRow): number => a.Start - b.Start || a.Last - b.Last;

/**
 * A FlowStore held in process memory.
 * @example
 * const flows = new MemoryFlowStore();
 * await flows.insert([{ UUID: 'u', Start: 1, Last: 2, Application: 'TCP' }]);
 */
export class MemoryFlowStore implements FlowStore {
  readonly backend = 'memory';
  private readonly flows = new Map<string, StoredFlow>();
  /** UUID → "Start:Last" → row */
  private readonly rows = new Map<string, Map<string, FlowMetricRow>>();
  /** UUID → Index → packet */
  private readonly packets = new Map<string, Map<number, StoredRawPacket>>();

  async insert(batch: readonly StoredFlow[]): Promise<InsertResult> {
    const { flows, rejected } = latestPerUUID(batch);
    let stored = 0;
    for (const f of flows) {
      const prev = this.flows.get(f.UUID);
      if (prev && prev.Last > f.Last) continue;
      this.flows.set(f.UUID, structuredClone(f));
      stored++;
    }
    for (const [uuid, m] of metricRows(batch)) {
      let t = this.rows.get(uuid);
      if (!t) this.rows.set(uuid, (t = new Map()));
      t.set(`${m.Start}:${m.Last}`, { ...m });
    }
    const raw = rawPacketRows(batch);
    for (const [uuid, p] of raw.rows) {
      let t = this.packets.get(uuid);
      if (!t) this.packets.set(uuid, (t = new Map()));
      t.set(p.Index, { ...p });
    }
    return { stored, rejected, rawPacketsRejected: raw.rejected };
  }

  async search(query?: FlowQuery): Promise<StoredFlow[]> {
    const q = checkQuery(query);
    return finish([...this.flows.values()], q, { filtered: false }).map((f) => structuredClone(f));
  }

  async count(query?: FlowQuery): Promise<number> {
    const q = checkQuery(query);
    return finish([...this.flows.values()], q, { filtered: false, paginate: false }).length;
  }

  async metrics(query?: FlowQuery, range?: TimeRange): Promise<Record<string, FlowMetricRow[]>> {
    const out: Record<string, FlowMetricRow[]> = {};
    for (const f of await this.search(query)) {
      const rows = [...(this.rows.get(f.UUID)?.values() ?? [])]
        .filter((m) => metricInRange(m, range))
        .sort(byTime)
        .map((m) => ({ ...m }));
      if (rows.length) out[f.UUID] = rows;
    }
    return out;
  }

  async metricSeries(
    uuids: readonly string[],
    range?: TimeRange,
  ): Promise<Record<string, FlowMetricRow[]>> {
    const out: Record<string, FlowMetricRow[]> = {};
    for (const uuid of checkSeriesArgs(uuids, range)) {
      const rows = [...(this.rows.get(uuid)?.values() ?? [])]
        .filter((m) => metricIncluded(m, range))
        .sort(byTime)
        .map((m) => ({ ...m }));
      if (rows.length) out[uuid] = rows;
    }
    return out;
  }

  async rawPackets(
    uuids: readonly string[],
    range?: TimeRange,
  ): Promise<Record<string, StoredRawPacket[]>> {
    const out: Record<string, StoredRawPacket[]> = {};
    for (const uuid of checkSeriesArgs(uuids, range)) {
      const list = [...(this.packets.get(uuid)?.values() ?? [])]
        .filter((p) => packetInRange(p, range))
        .sort((a, b) => a.Index - b.Index)
        .map((p) => ({ ...p }));
      if (list.length) out[uuid] = list;
    }
    return out;
  }

  async prune(before: number): Promise<PruneResult> {
    let flows = 0;
    let metrics = 0;
    let rawPackets = 0;
    for (const [uuid, f] of this.flows)
      if (f.Last < before) {
        this.flows.delete(uuid);
        flows++;
      }
    for (const [uuid, t] of this.rows) {
      for (const [k, m] of t)
        if (m.Last < before) {
          t.delete(k);
          metrics++;
        }
      if (t.size === 0) this.rows.delete(uuid);
    }
    for (const [uuid, t] of this.packets) {
      for (const [k, p] of t)
        if (p.Timestamp < before) {
          t.delete(k);
          rawPackets++;
        }
      if (t.size === 0) this.packets.delete(uuid);
    }
    return { flows, metrics, rawPackets };
  }

  async close(): Promise<void> {
    this.flows.clear();
    this.rows.clear();
    this.packets.clear();
  }
}
