// SPDX-License-Identifier: Apache-2.0
// The changes of the local graph not yet sent to the master analyzer, coalesced: an element added
// and updated in the same batch goes out once with its final state, several partial updates of one
// element become one message with all their ops, an element added and deleted goes out not at all.
// Bounded: past `limit` pending changes the log gives up (overflow) and a full Sync replaces it.
import type { GraphElement, PartialOp } from '../../graph/index.js';
import {
  GraphMessageType as T,
  Namespace,
  edgeToJSON,
  newStructMessage,
  nodeToJSON,
  type PartiallyUpdatedMsg,
  type StructMessage,
} from '../../protocol/index.js';

interface Entry {
  /** `gone`: superseded by a later deletion, skipped when draining. */
  type: 'added' | 'updated' | 'deleted' | 'gone';
  el: GraphElement;
  /** For `updated`: every op since the last drain, in order. */
  ops: PartialOp[];
}

const key = (el: GraphElement): string => (el.kind === 'node' ? 'n' : 'e') + el.id;

/**
 * Pending changes in the order they must be applied.
 *
 * Messages are built when the log is drained, from the elements as they are then: an `added`
 * element carries its final metadata and revision, an `updated` one its final revision with every
 * op since the last drain (replaying them all in order on the analyzer gives the final state).
 * Deletions are appended at their own position, so an edge deletion always precedes the deletion
 * of its node, and a node deleted then re-added under the same ID goes out as both messages.
 */
export class ChangeLog {
  private entries: Entry[] = [];
  /** Element key → its pending `added` or `updated` entry (the one later updates merge into). */
  private live = new Map<string, Entry>();
  /** Entries that are not `gone`. */
  private count = 0;
  private overflowed = false;

  /** @param limit most pending changes before overflow (http.ws.queue_size). */
  constructor(private readonly limit: number) {}

  /** Pending changes (0 once overflowed: a Sync will carry everything). */
  get size(): number {
    return this.count;
  }

  /** True once the log overflowed; only reset() (after a full Sync) clears it. */
  get lost(): boolean {
    return this.overflowed;
  }

  /**
   * Records that `el` was added. Returns the number of changes dropped by an overflow that this
   * change caused (0 almost always).
   */
  added(el: GraphElement): number {
    if (this.overflowed) return 0;
    return this.push({ type: 'added', el, ops: [] });
  }

  /** Records a partial update of `el` (ops as the graph emitted them, never empty). */
  updated(el: GraphElement, ops: readonly PartialOp[]): number {
    if (this.overflowed || ops.length === 0) return 0;
    const cur = this.live.get(key(el));
    if (cur !== undefined && cur.el === el) {
      if (cur.type === 'updated') cur.ops.push(...ops);
      return 0;
    }
    return this.push({ type: 'updated', el, ops: [...ops] });
  }

  /** Records that `el` was deleted. */
  deleted(el: GraphElement): number {
    if (this.overflowed) return 0;
    const k = key(el);
    const cur = this.live.get(k);
    if (cur !== undefined) {
      this.live.delete(k);
      const wasAdded = cur.type === 'added' && cur.el === el;
      cur.type = 'gone';
      this.count--;
      // Added since the last drain: the analyzer never heard of it.
      if (wasAdded) return 0;
    }
    return this.push({ type: 'deleted', el, ops: [] });
  }

  private push(e: Entry): number {
    if (this.count >= this.limit) {
      const dropped = this.count + 1;
      this.reset();
      this.overflowed = true;
      return dropped;
    }
    // Churn (add and delete, again and again) leaves tombstones: compact when they dominate.
    if (this.entries.length > 1024 && this.entries.length > 2 * this.count)
      this.entries = this.entries.filter((x) => x.type !== 'gone');
    this.entries.push(e);
    this.count++;
    if (e.type !== 'deleted') this.live.set(key(e.el), e);
    return 0;
  }

  /** The pending changes as Graph messages, in order; the log is empty afterwards. */
  drain(): StructMessage[] {
    const out: StructMessage[] = [];
    for (const e of this.entries) if (e.type !== 'gone') out.push(message(e));
    this.reset();
    return out;
  }

  /** Forgets everything, overflow included (a full Sync was just sent). */
  reset(): void {
    this.entries = [];
    this.live.clear();
    this.count = 0;
    this.overflowed = false;
  }
}

function message(e: Entry): StructMessage {
  const node = e.el.kind === 'node';
  if (e.type === 'updated') {
    const obj: PartiallyUpdatedMsg = {
      ID: e.el.id,
      UpdatedAt: e.el.updatedAt,
      Revision: e.el.revision,
      Ops: e.ops,
    };
    return newStructMessage(
      Namespace.Graph,
      node ? T.NodePartiallyUpdated : T.EdgePartiallyUpdated,
      obj,
    );
  }
  const added = e.type === 'added';
  const json = e.el.kind === 'node' ? nodeToJSON(e.el) : edgeToJSON(e.el);
  const type = node ? (added ? T.NodeAdded : T.NodeDeleted) : added ? T.EdgeAdded : T.EdgeDeleted;
  return newStructMessage(Namespace.Graph, type, json);
}
