// SPDX-License-Identifier: Apache-2.0
// The selected node's flows (`G.V(id).Flows()`, Skydive's flow JSON), refreshed every 2 s,
// sortable by column and filterable by text.
import { useEffect, useState } from 'react';
import { client, errorText } from '../api.js';
import { nodeQuery } from './DetailsPanel.js';

/** The flow JSON fields the table reads (skydive-compat §5.1). */
export interface FlowJSON {
  UUID?: string;
  LayersPath?: string;
  Application?: string;
  Start?: number;
  Last?: number;
  Link?: { A?: string; B?: string };
  Network?: { Protocol?: string; A?: string; B?: string };
  Transport?: { Protocol?: string; A?: number; B?: number };
  Metric?: {
    ABPackets?: number;
    BAPackets?: number;
    ABBytes?: number;
    BABytes?: number;
    RTT?: number;
  };
}

interface Column {
  key: string;
  title: string;
  get(f: FlowJSON): string | number;
}

const ep = (a: unknown, p: unknown) => (p ? `${String(a ?? '')}:${String(p)}` : String(a ?? ''));

const COLUMNS: Column[] = [
  { key: 'app', title: 'App', get: (f) => f.Application ?? '' },
  { key: 'a', title: 'A', get: (f) => ep(f.Network?.A ?? f.Link?.A, f.Transport?.A) },
  { key: 'b', title: 'B', get: (f) => ep(f.Network?.B ?? f.Link?.B, f.Transport?.B) },
  { key: 'abp', title: 'AB pkts', get: (f) => f.Metric?.ABPackets ?? 0 },
  { key: 'bap', title: 'BA pkts', get: (f) => f.Metric?.BAPackets ?? 0 },
  { key: 'bytes', title: 'Bytes', get: (f) => (f.Metric?.ABBytes ?? 0) + (f.Metric?.BABytes ?? 0) },
  { key: 'last', title: 'Last', get: (f) => (f.Last ? new Date(f.Last).toLocaleTimeString() : '') },
];

/** Flows of the selected node. */
export function FlowsPanel({ nodeID }: { nodeID: string | undefined }) {
  const [flows, setFlows] = useState<FlowJSON[]>([]);
  const [error, setError] = useState('');
  const [warning, setWarning] = useState('');
  const [sort, setSort] = useState<{ key: string; desc: boolean }>({ key: 'last', desc: true });
  const [filter, setFilter] = useState('');
  useEffect(() => {
    if (!nodeID) return undefined;
    let stop = false;
    const load = async () => {
      try {
        let incomplete = '';
        const r = await client.query<unknown>(
          `${nodeQuery(nodeID)}.Flows()`,
          (w) => (incomplete = w),
        );
        if (!stop) {
          setFlows(Array.isArray(r) ? (r as FlowJSON[]) : []);
          setError('');
          setWarning(incomplete);
        }
      } catch (err) {
        if (!stop) setError(errorText(err));
      }
    };
    void load();
    const timer = setInterval(() => void load(), 2000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [nodeID]);
  if (!nodeID) return <p className="muted">Select a node to see its flows.</p>;
  const col = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[0];
  const f = filter.toLowerCase();
  const rows = flows
    .filter((x) => f === '' || JSON.stringify(x).toLowerCase().includes(f))
    .sort((x, y) => {
      if (!col) return 0;
      const a = col.get(x);
      const b = col.get(y);
      const c =
        typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
      return sort.desc ? -c : c;
    });
  return (
    <div data-testid="flows">
      <input
        aria-label="filter flows"
        placeholder="Filter flows…"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {error && <p className="error">{error}</p>}
      {warning && (
        <p className="warning" data-testid="flows-warning">
          Incomplete: {warning}
        </p>
      )}
      <table className="flows">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                onClick={() =>
                  setSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : true })
                }
              >
                {c.title}
                {sort.key === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((x, i) => (
            <tr key={x.UUID ?? i} title={x.LayersPath} data-testid="flow-row">
              {COLUMNS.map((c) => (
                <td key={c.key}>{c.get(x)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{rows.length} flows</p>
    </div>
  );
}
