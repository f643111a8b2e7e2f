// SPDX-License-Identifier: Apache-2.0
// Positions from the ownership tree: each group's children around it (a sunflower disc for leaves,
// a ring for sub-groups), roots packed in rows. New nodes go to a free spot near their parent and
// nothing already placed moves, so live updates never make the layout jump.

/** A point in graph space. */
export interface Point {
  x: number;
  y: number;
}

/** The ownership tree as the layout reads it. */
export interface Tree {
  children(id: string): readonly string[];
  parent(id: string): string | undefined;
}

/** Where positions are read and written (the graph's x/y attributes). */
export interface Positions {
  get(id: string): Point | undefined;
  set(id: string, p: Point): void;
}

const LEAF = 1;
const SPACING = 2.2;
const GAP = 1.5;
const GOLDEN = Math.PI * (3 - Math.sqrt(5));

/** Radius of each subtree below `root` (post-order, cycle-safe). */
function radii(root: string, tree: Tree, out: Map<string, number>): number {
  const stack: Array<[string, boolean]> = [[root, false]];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const [id, done] = stack.pop() as [string, boolean];
    if (!done) {
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push([id, true]);
      for (const c of tree.children(id)) if (!seen.has(c)) stack.push([c, false]);
      continue;
    }
    const kids = tree.children(id).filter((c) => out.has(c));
    if (kids.length === 0) {
      out.set(id, LEAF);
      continue;
    }
    let sum = 0;
    let max = 0;
    for (const c of kids) {
      const r = out.get(c) ?? LEAF;
      sum += 2 * r + GAP;
      max = Math.max(max, r);
    }
    if (max === LEAF) out.set(id, SPACING * Math.sqrt(kids.length) + 2 * LEAF);
    else out.set(id, Math.max(sum / (2 * Math.PI), max + 2) + max);
  }
  return out.get(root) ?? LEAF;
}

/** Places the children of `id` (recursively) around `at`, using the radii computed for them. */
function place(id: string, at: Point, tree: Tree, r: Map<string, number>, pos: Positions): void {
  const stack: Array<[string, Point]> = [[id, at]];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const [n, p] = stack.pop() as [string, Point];
    if (seen.has(n)) continue;
    seen.add(n);
    pos.set(n, p);
    const kids = tree.children(n).filter((c) => r.has(c) && !seen.has(c));
    if (kids.length === 0) continue;
    const max = Math.max(...kids.map((c) => r.get(c) ?? LEAF));
    if (max === LEAF) {
      kids.forEach((c, i) => {
        const d = SPACING * Math.sqrt(i + 0.7);
        stack.push([c, { x: p.x + d * Math.cos(i * GOLDEN), y: p.y + d * Math.sin(i * GOLDEN) }]);
      });
      continue;
    }
    const sum = kids.reduce((s, c) => s + 2 * (r.get(c) ?? LEAF) + GAP, 0);
    const R = Math.max(sum / (2 * Math.PI), max + 2);
    let a = 0;
    for (const c of kids) {
      const half = ((r.get(c) ?? LEAF) + GAP / 2) / R;
      a += half;
      stack.push([c, { x: p.x + R * Math.cos(a), y: p.y + R * Math.sin(a) }]);
      a += half;
    }
  }
}

/**
 * Lays out a whole forest: every subtree around its root, roots packed in rows.
 * @example layoutAll(roots, tree, positions)
 */
export function layoutAll(roots: readonly string[], tree: Tree, pos: Positions): void {
  const r = new Map<string, number>();
  const sized = roots.map((id) => ({ id, radius: radii(id, tree, r) }));
  sized.sort((a, b) => b.radius - a.radius);
  const area = sized.reduce((s, x) => s + (2 * x.radius + GAP) ** 2, 0);
  const width = Math.max(Math.sqrt(area) * 1.1, (sized[0]?.radius ?? 1) * 2);
  let x = 0;
  let y = 0;
  let row = 0;
  for (const { id, radius } of sized) {
    if (x > 0 && x + 2 * radius > width) {
      x = 0;
      y += row + GAP;
      row = 0;
    }
    place(id, { x: x + radius, y: y + radius }, tree, r, pos);
    x += 2 * radius + GAP;
    row = Math.max(row, 2 * radius);
  }
}

/** A grid of placed points, to find free spots quickly. */
export class SpatialIndex {
  private cells = new Map<string, Point[]>();
  constructor(private readonly cell = 4) {}

  private key(x: number, y: number): string {
    return `${Math.floor(x / this.cell)},${Math.floor(y / this.cell)}`;
  }

  add(p: Point): void {
    const k = this.key(p.x, p.y);
    const l = this.cells.get(k);
    if (l) l.push(p);
    else this.cells.set(k, [p]);
  }

  /** Whether a point lies within `d` (≤ cell size) of `p`. */
  near(p: Point, d: number): boolean {
    const cx = Math.floor(p.x / this.cell);
    const cy = Math.floor(p.y / this.cell);
    for (let i = -1; i <= 1; i++)
      for (let j = -1; j <= 1; j++)
        for (const q of this.cells.get(`${cx + i},${cy + j}`) ?? [])
          if ((q.x - p.x) ** 2 + (q.y - p.y) ** 2 < d * d) return true;
    return false;
  }
}

/** The first free spot on a spiral around `c`, starting at distance `from`. */
export function freeSpot(c: Point, from: number, index: SpatialIndex, clearance = 1.8): Point {
  for (let j = 0; j < 4000; j++) {
    const d = from + 0.9 * Math.sqrt(j);
    const p = { x: c.x + d * Math.cos(j * GOLDEN), y: c.y + d * Math.sin(j * GOLDEN) };
    if (!index.near(p, clearance)) return p;
  }
  return { x: c.x + from + 60, y: c.y };
}

/**
 * Places the nodes of `fresh` that have no position: a new subtree goes to a free spot near its
 * placed parent (or right of everything when it has none) and is laid out around it.
 * `extent` is the current bounding box of placed nodes.
 */
export function placeNew(
  fresh: Iterable<string>,
  tree: Tree,
  pos: Positions,
  index: SpatialIndex,
  extent: { maxX: number; minY: number; maxY: number },
): void {
  const r = new Map<string, number>();
  for (const id of fresh) {
    if (pos.get(id)) continue;
    // the highest new ancestor: the whole new subtree is laid out from it
    let top = id;
    const seen = new Set([top]);
    for (
      let p = tree.parent(top);
      p !== undefined && !pos.get(p) && !seen.has(p);
      p = tree.parent(p)
    ) {
      seen.add(p);
      top = p;
    }
    const radius = radii(
      top,
      { children: (n) => tree.children(n).filter((c) => !pos.get(c)), parent: tree.parent },
      r,
    );
    const parent = tree.parent(top);
    const pp = parent === undefined ? undefined : pos.get(parent);
    const at = pp
      ? freeSpot(
          pp,
          SPACING * Math.sqrt(tree.children(parent ?? '').length),
          index,
          Math.max(1.8, radius),
        )
      : freeSpot(
          { x: extent.maxX + radius + 4, y: (extent.minY + extent.maxY) / 2 },
          0,
          index,
          radius,
        );
    const sub: Tree = {
      children: (n) => tree.children(n).filter((c) => r.has(c)),
      parent: tree.parent,
    };
    place(top, at, sub, r, {
      get: (n) => pos.get(n),
      set: (n, p) => {
        pos.set(n, p);
        index.add(p);
      },
    });
    extent.maxX = Math.max(extent.maxX, at.x + radius);
  }
}
