// SPDX-License-Identifier: Apache-2.0
// The latest state of every live flow the analyzer received, by UUID: what Flows() reads without
// a time context. Bounded (oldest update forgotten first, counted); expired by age and on TIMEOUT.
import { FinishType, type Flow } from '../../protocol/flow.js';

/** Raw packets remembered per flow. */
const MAX_RAW_PACKETS = 64;

/** Latest flows, in order of last update. */
export class LiveFlows {
  private readonly flows = new Map<string, Flow>();
  /** Flows forgotten because the map was full. */
  evicted = 0;

  constructor(
    private readonly max: number,
    private readonly expireMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.flows.size;
  }

  /** Records the new state of each flow; a flow finished by timeout is forgotten. */
  update(flows: readonly Flow[]): void {
    const m = this.flows;
    for (const f of flows) {
      if (!f.UUID) continue;
      const prev = m.get(f.UUID);
      m.delete(f.UUID);
      if (f.FinishType === FinishType.TIMEOUT) continue;
      // Each update carries the raw packets captured since the previous one: keep them all.
      const old = prev?.LastRawPackets;
      if (old && old.length > 0) {
        const all = [...old, ...(f.LastRawPackets ?? [])];
        m.set(f.UUID, { ...f, LastRawPackets: all.slice(-MAX_RAW_PACKETS) });
      } else m.set(f.UUID, f);
    }
    if (m.size > this.max) {
      let over = m.size - this.max;
      this.evicted += over;
      for (const k of m.keys()) {
        if (over-- <= 0) break;
        m.delete(k);
      }
    }
  }

  /** Forgets flows whose last packet is older than flow.expire. */
  prune(now = this.clock()): void {
    const limit = now - this.expireMs;
    for (const [k, f] of this.flows) {
      if (f.Last >= limit) continue;
      this.flows.delete(k);
    }
  }

  /** Every live flow (pruned first). */
  all(): Flow[] {
    this.prune();
    return [...this.flows.values()];
  }

  get(uuid: string): Flow | undefined {
    return this.flows.get(uuid);
  }
}
