// SPDX-License-Identifier: Apache-2.0
// Small helpers for Gremlin tests: run a query on the fixture world and read results by name/ID.
import assert from 'node:assert/strict';
import type { GraphView } from '../../graph/types.js';
import type { GremlinEngineOptions } from '../engine.js';
import { GremlinEngine } from '../engine.js';
import type { Result } from '../values.js';
import { buildFixtureGraph } from './fixture.js';

/** Runs `query` on `view` (default: a fresh fixture graph) with a default engine. */
export async function run(
  query: string,
  view?: GraphView,
  opts: GremlinEngineOptions = {},
): Promise<Result> {
  return new GremlinEngine(opts).execute(query, view ?? buildFixtureGraph());
}

/** IDs of a nodes/edges result, in order. */
export function ids(r: Result): string[] {
  if (r.kind === 'nodes') return r.nodes.map((n) => n.id);
  if (r.kind === 'edges') return r.edges.map((e) => e.id);
  assert.fail(`expected nodes or edges, got ${r.kind}`);
}

/** IDs of a nodes result, sorted (for order-insensitive comparisons). */
export function idSet(r: Result): string[] {
  return ids(r).sort();
}

/** The number of a Count()/Sum() result. */
export function num(r: Result): number {
  assert.equal(r.kind, 'number');
  return r.kind === 'number' ? r.value : NaN;
}
