// SPDX-License-Identifier: Apache-2.0
// Grouping by ownership: each node's group parent (its ownership parent; an OVS port's bridge),
// the children of each group, which groups are collapsed, and so which nodes are hidden.

/** The ownership tree of the shown graph, maintained edge by edge. */
export class Groups {
  private parentOf = new Map<string, string>();
  private kids = new Map<string, Set<string>>();
  /** edge ID → [parent, child] of the grouping edges. */
  private links = new Map<string, [string, string]>();
  readonly collapsed = new Set<string>();
  private hiddenCache: Set<string> | undefined;
  /** Bumped by every change of the tree or of the collapsed set. */
  generation = 0;

  private dirty(): void {
    this.hiddenCache = undefined;
    this.generation++;
  }

  parent(id: string): string | undefined {
    return this.parentOf.get(id);
  }

  children(id: string): readonly string[] {
    const s = this.kids.get(id);
    return s ? [...s] : [];
  }

  /** Whether `id` has children (is a group). */
  isGroup(id: string): boolean {
    return (this.kids.get(id)?.size ?? 0) > 0;
  }

  /** Records a grouping edge; a node keeps its first parent (Skydive: at most one owner). */
  link(edgeID: string, parent: string, child: string): boolean {
    if (this.links.has(edgeID) || this.parentOf.has(child) || parent === child) return false;
    this.links.set(edgeID, [parent, child]);
    this.parentOf.set(child, parent);
    let s = this.kids.get(parent);
    if (!s) this.kids.set(parent, (s = new Set()));
    s.add(child);
    this.dirty();
    return true;
  }

  /** Forgets a grouping edge. */
  unlink(edgeID: string): void {
    const l = this.links.get(edgeID);
    if (!l) return;
    this.links.delete(edgeID);
    const [parent, child] = l;
    if (this.parentOf.get(child) === parent) this.parentOf.delete(child);
    this.kids.get(parent)?.delete(child);
    this.dirty();
  }

  /** Forgets a node (its edges are unlinked by the caller). */
  drop(id: string): void {
    this.collapsed.delete(id);
    this.dirty();
  }

  clear(): void {
    this.parentOf.clear();
    this.kids.clear();
    this.links.clear();
    this.dirty();
  }

  /** Number of nodes below `id`. */
  descendants(id: string): number {
    let n = 0;
    const stack = [...(this.kids.get(id) ?? [])];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const c = stack.pop() as string;
      if (seen.has(c)) continue;
      seen.add(c);
      n++;
      for (const k of this.kids.get(c) ?? []) stack.push(k);
    }
    return n;
  }

  toggle(id: string): void {
    if (this.collapsed.has(id)) this.collapsed.delete(id);
    else if (this.isGroup(id)) this.collapsed.add(id);
    this.dirty();
  }

  /** Collapses every group with more than `max` descendants. */
  collapseLarge(ids: Iterable<string>, max: number): void {
    for (const id of ids) if (this.descendants(id) > max) this.collapsed.add(id);
    this.dirty();
  }

  /** Expands the groups above `id` so that it shows. */
  reveal(id: string): void {
    for (let p = this.parentOf.get(id); p !== undefined; p = this.parentOf.get(p)) {
      if (this.collapsed.delete(p)) this.dirty();
      if (p === id) break;
    }
  }

  /** The nodes inside collapsed groups. */
  hidden(): Set<string> {
    if (this.hiddenCache) return this.hiddenCache;
    const out = new Set<string>();
    for (const g of this.collapsed) {
      const stack = [...(this.kids.get(g) ?? [])];
      while (stack.length > 0) {
        const c = stack.pop() as string;
        if (out.has(c)) continue;
        out.add(c);
        for (const k of this.kids.get(c) ?? []) stack.push(k);
      }
    }
    this.hiddenCache = out;
    return out;
  }
}
