// SPDX-License-Identifier: Apache-2.0
// Captures (/api/capture, Skydive's shapes): create one with the Gremlin query pre-filled from the
// selection plus a BPF filter, list them with how many nodes capture, delete.
import { useEffect, useState, type FormEvent } from 'react';
import { client, errorText } from '../api.js';
import type { GraphStore } from '../model/graph-store.js';

interface Capture {
  UUID?: string;
  Name?: string;
  GremlinQuery?: string;
  BPFFilter?: string;
  Type?: string;
  Count?: number;
}

/** The captures panel. */
export function CapturesPanel({
  initialQuery,
  store,
}: {
  initialQuery: string;
  store: GraphStore;
}) {
  const [list, setList] = useState<Capture[]>([]);
  const [query, setQuery] = useState(initialQuery);
  const [bpf, setBpf] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => setQuery(initialQuery), [initialQuery]);
  useEffect(() => {
    let stop = false;
    const load = () =>
      client.list<Capture>('capture').then(
        (m) =>
          !stop &&
          (setList(Object.entries(m).map(([id, c]) => ({ ...c, UUID: c.UUID ?? id }))),
          setError('')),
        (err: unknown) => !stop && setError(errorText(err)),
      );
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [tick]);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const body: Capture = { GremlinQuery: query };
      if (bpf) body.BPFFilter = bpf;
      if (name) body.Name = name;
      await client.create('capture', body);
      setTick((t) => t + 1);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (id: string) => {
    try {
      await client.remove('capture', id);
      setTick((t) => t + 1);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const fromSelection = () => {
    const s = store.selected;
    if (s?.kind === 'node') setQuery(`G.V('${s.id}')`);
  };
  return (
    <div data-testid="captures">
      <form onSubmit={create} className="capture-form" aria-label="new capture">
        <label>
          Gremlin
          <input
            aria-label="capture gremlin"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <button type="button" onClick={fromSelection}>
          From selection
        </button>
        <label>
          BPF
          <input
            aria-label="capture bpf"
            placeholder="icmp"
            value={bpf}
            onChange={(e) => setBpf(e.target.value)}
          />
        </label>
        <label>
          Name
          <input aria-label="capture name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" disabled={query.trim() === ''}>
          Start capture
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <table className="captures">
        <thead>
          <tr>
            <th>Name</th>
            <th>Gremlin</th>
            <th>BPF</th>
            <th>Nodes</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((c) => (
            <tr key={c.UUID} data-testid="capture-row">
              <td>{c.Name}</td>
              <td>
                <code>{c.GremlinQuery}</code>
              </td>
              <td>{c.BPFFilter}</td>
              <td data-testid="capture-count">{c.Count ?? ''}</td>
              <td>
                <button onClick={() => c.UUID && void remove(c.UUID)}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
