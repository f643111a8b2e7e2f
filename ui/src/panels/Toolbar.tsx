// SPDX-License-Identifier: Apache-2.0
// Search by name, Gremlin highlight (POST /api/topology) and Gremlin filter (the subscriber's
// server-side filter), fit, and the connection state.
import { useState, type FormEvent } from 'react';
import { client, errorText } from '../api.js';
import type { GraphStore } from '../model/graph-store.js';
import type { Live } from '../model/live.js';
import type { GraphRenderer } from '../view/canvas-renderer.js';

/** IDs of the nodes in a Gremlin result (nodes, or paths / nested arrays of them). */
export function resultNodeIDs(result: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o['ID'] === 'string' && 'Metadata' in o && !('Parent' in o)) out.add(o['ID']);
      else if (Array.isArray(o['Nodes'])) walk(o['Nodes']);
    }
  };
  walk(result);
  return [...out];
}

interface Props {
  store: GraphStore;
  live: Live;
  renderer: GraphRenderer | undefined;
}

/** The bar above the graph. */
export function Toolbar({ store, live, renderer }: Props) {
  const [name, setName] = useState('');
  const [gremlin, setGremlin] = useState('');
  const [status, setStatus] = useState('');
  const show = async (ids: string[], what: string) => {
    store.setHighlight(ids);
    setStatus(`${ids.length} ${what}`);
    if (ids.length > 0) await renderer?.fit(ids);
  };
  const byName = async (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() === '') return clear();
    const ids = store.findByName(name.trim());
    await show(ids, `match${ids.length === 1 ? '' : 'es'} for “${name}”`);
    // a single match is selected, so its details, flows and captures are one click away
    if (ids.length === 1) store.select({ kind: 'node', id: ids[0] as string });
  };
  const highlight = async (e?: FormEvent) => {
    e?.preventDefault();
    if (gremlin.trim() === '') return clear();
    try {
      const ids = resultNodeIDs(await client.query(gremlin)).filter((id) =>
        store.graph.hasNode(id),
      );
      await show(ids, 'nodes match the query');
    } catch (err) {
      setStatus(errorText(err));
    }
  };
  const filter = async () => {
    try {
      await live.setFilter(gremlin.trim());
      store.setHighlight(undefined);
      setStatus(
        gremlin.trim() ? `server filter on: ${store.graph.order} nodes received` : 'filter removed',
      );
      await renderer?.fit();
    } catch (err) {
      setStatus(errorText(err));
    }
  };
  const clear = () => {
    store.setHighlight(undefined);
    setStatus('');
    // a server-side filter goes too: the whole graph again
    if (live.state.filter) live.setFilter('').catch((err: unknown) => setStatus(errorText(err)));
  };
  const st = live.state;
  return (
    <header className="toolbar">
      <strong>skydive-ts</strong>
      <form onSubmit={byName}>
        <input
          aria-label="search by name"
          placeholder="Name…"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </form>
      <form onSubmit={highlight} className="gremlin">
        <input
          aria-label="gremlin query"
          placeholder="G.V().Has('Type', 'veth')"
          value={gremlin}
          onChange={(e) => setGremlin(e.target.value)}
        />
        <button type="submit">Highlight</button>
        <button
          type="button"
          onClick={filter}
          title="Receive only what this query returns (server-side filter)"
        >
          Filter
        </button>
        <button type="button" onClick={clear}>
          Clear
        </button>
      </form>
      <button onClick={() => void renderer?.fit()}>Fit</button>
      <span className="status" data-testid="search-status">
        {status}
      </span>
      <span className="grow" />
      <span data-testid="counts">
        {store.visibleNodes().length}/{store.graph.order} nodes
      </span>
      <span className={`conn ${st.connection}`} data-testid="connection" title={st.detail}>
        {st.at !== undefined
          ? `at ${new Date(st.at).toLocaleTimeString()}`
          : st.connection === 'open'
            ? 'live'
            : st.connection}
      </span>
      {st.filter && <span className="badge">filtered</span>}
      {st.error && (
        <span className="error" role="alert">
          {st.error}
        </span>
      )}
    </header>
  );
}
