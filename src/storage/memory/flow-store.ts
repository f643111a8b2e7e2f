// SPDX-License-Identifier: Apache-2.0
// In-memory FlowStore: one Map of the latest state per UUID and the metric rows per flow; the
// reference the SQL backends are checked against. Nothing survives a restart.
import { checkQuery, finish, latestPerUUID, metricInRange, metricRows } from '../flow-query.js';
import type {
  FlowMetricRow,
  FlowQuery,
  FlowStore,
  InsertResult,
  PruneResult,
  StoredFlow,
  TimeRange,
} from '../flow-store.js';

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
    return { stored, rejected };
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
        .sort((a, b) => a.Start - b.Start || a.Last - b.Last)
        .map((m) => ({ ...m }));
      if (rows.length) out[f.UUID] = rows;
    }
    return out;
  }

  async prune(before: number): Promise<PruneResult> {
    let flows = 0;
    let metrics = 0;
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
    return { flows, metrics };
  }

  async close(): Promise<void> {
    this.flows.clear();
    this.rows.clear();
  }
}
