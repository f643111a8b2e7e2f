// SPDX-License-Identifier: Apache-2.0
// Which peer analyzer each replicated origin came from. An element "arrived by replication" when
// its Origin is owned by a peer; everything else is this analyzer's own (what it syncs to peers,
// what its history records). This analyzer's own origins are never a peer's, whatever a peer
// sends; an origin a local writer adds to is taken back from its peer.
import type { GraphElement } from '../../graph/index.js';

/** Origin → peer host ID, with the rule that local origins stay local. */
export class OriginLedger {
  private readonly owner = new Map<string, string>();

  /** `isLocal(origin)`: one of this analyzer's own origins. */
  constructor(private readonly isLocal: (origin: string) => boolean) {}

  /** True when `el` came from a peer (the history writer skips it). */
  isReplicated(el: GraphElement): boolean {
    return this.owner.has(el.origin) && !this.isLocal(el.origin);
  }

  /** The peer that owns `origin`, unless it is local or unknown. */
  peerOf(origin: string): string | undefined {
    const p = this.owner.get(origin);
    return p === undefined || this.isLocal(origin) ? undefined : p;
  }

  /**
   * Records that `peer` writes `origin` (taking it over from another peer: an agent that moved).
   * Returns false, recording nothing, for a local origin.
   */
  claim(origin: string, peer: string): boolean {
    if (this.isLocal(origin)) return false;
    if (this.owner.get(origin) !== peer) this.owner.set(origin, peer);
    return true;
  }

  /** `origin` is written here now (an agent that elected this analyzer): no peer owns it. */
  takeLocal(origin: string): void {
    this.owner.delete(origin);
  }

  /** The origins `peer` owns and that are not local now. */
  originsOf(peer: string): string[] {
    const out: string[] = [];
    for (const [o, p] of this.owner) if (p === peer && !this.isLocal(o)) out.push(o);
    return out;
  }

  /** Forgets the origins of `peer`, except those in `keep`. */
  release(peer: string, keep: ReadonlySet<string> = new Set()): void {
    for (const [o, p] of [...this.owner]) if (p === peer && !keep.has(o)) this.owner.delete(o);
  }

  /** Peer host → number of origins it owns (for status and tests). */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const p of this.owner.values()) m.set(p, (m.get(p) ?? 0) + 1);
    return m;
  }
}
