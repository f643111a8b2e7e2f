// SPDX-License-Identifier: Apache-2.0
// The time slider: shows the graph at a past time (a SyncRequest with Time, answered from the
// analyzer's history) and what changed since — removed nodes drawn grey, lists of each change.
import { useState } from 'react';
import { errorText } from '../api.js';
import type { GraphStore } from '../model/graph-store.js';
import type { ChangedNode, Live } from '../model/live.js';

const SPANS = [
  { label: '5 min', ms: 5 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '24 h', ms: 86_400_000 },
];

const nameOf = (n: { ID: string; Metadata: Record<string, unknown> }) =>
  String(n.Metadata['Name'] ?? n.ID);

/** The history panel. */
export function HistoryPanel({ live, store }: { live: Live; store: GraphStore }) {
  const [span, setSpan] = useState(SPANS[0]?.ms ?? 300_000);
  const [ago, setAgo] = useState(0);
  const [error, setError] = useState('');
  const st = live.state;
  const go = async (secondsAgo: number) => {
    setError('');
    try {
      await live.showAt(secondsAgo <= 0 ? undefined : Date.now() - secondsAgo * 1000);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const select = (id: string) => store.graph.hasNode(id) && store.select({ kind: 'node', id });
  return (
    <div data-testid="history">
      <div className="row">
        Range:{' '}
        {SPANS.map((s) => (
          <button
            key={s.ms}
            className={span === s.ms ? 'active' : ''}
            onClick={() => setSpan(s.ms)}
          >
            {s.label}
          </button>
        ))}
      </div>
      <input
        type="range"
        aria-label="time slider"
        min={0}
        max={span / 1000}
        step={1}
        value={span / 1000 - ago}
        onChange={(e) => setAgo(span / 1000 - Number(e.target.value))}
        onPointerUp={() => void go(ago)}
        onKeyUp={() => void go(ago)}
        className="slider"
      />
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void go(ago);
        }}
      >
        <label>
          seconds ago{' '}
          <input
            aria-label="seconds ago"
            type="number"
            min={0}
            value={ago}
            onChange={(e) => setAgo(Number(e.target.value))}
          />
        </label>
        <button type="submit">Show</button>
        <button
          type="button"
          onClick={() => {
            setAgo(0);
            void go(0);
          }}
        >
          Live
        </button>
      </form>
      <p data-testid="history-mode">
        {st.at === undefined
          ? 'Showing the live graph.'
          : `Showing the graph at ${new Date(st.at).toLocaleString()}.`}
      </p>
      {(error || st.error) && (
        <p className="error" role="alert">
          {error || st.error}
        </p>
      )}
      {st.diff && (
        <div data-testid="history-diff">
          <h4>Changed since then</h4>
          <p>
            {st.diff.removed.length} removed, {st.diff.added.length} added, {st.diff.changed.length}{' '}
            changed{' '}
            <small className="muted" data-testid="diff-source">
              {st.diff.source === 'server' ? "(the analyzer's diff)" : '(compared in the page)'}
            </small>
          </p>
          {(
            [
              ['Removed since', st.diff.removed],
              ['Added since', st.diff.added],
              ['Changed since', st.diff.changed],
            ] as const
          ).map(([title, list]) =>
            list.length === 0 ? null : (
              <details key={title} open={title === 'Removed since'}>
                <summary>
                  {title} ({list.length})
                </summary>
                <ul
                  className="diff-list"
                  data-testid={`diff-${title.split(' ')[0]?.toLowerCase()}`}
                >
                  {list.slice(0, 200).map((n: ChangedNode) => (
                    <li key={n.ID}>
                      <button className="link" onClick={() => select(n.ID)}>
                        {nameOf(n)}
                      </button>{' '}
                      <small>{String(n.Metadata['Type'] ?? '')}</small>
                      {n.Changes && (
                        <small className="muted">
                          {' '}
                          {n.Changes.slice(0, 4)
                            .map(
                              (c) =>
                                `${c.Key} ${JSON.stringify(c.Old ?? null)}→${JSON.stringify(c.New ?? null)}`,
                            )
                            .join(', ')}
                        </small>
                      )}
                    </li>
                  ))}
                </ul>
              </details>
            ),
          )}
        </div>
      )}
    </div>
  );
}
