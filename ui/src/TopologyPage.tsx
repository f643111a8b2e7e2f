// SPDX-License-Identifier: Apache-2.0
// The main view: toolbar (search, Gremlin highlight and server-side filter, fit), the graph canvas
// and the side panels (details, flows, captures, history).
import { useEffect, useRef, useState } from 'react';
import { useTick } from './hooks.js';
import { legend } from './model/style.js';
import { CapturesPanel } from './panels/CapturesPanel.js';
import { DetailsPanel } from './panels/DetailsPanel.js';
import { FlowsPanel } from './panels/FlowsPanel.js';
import { HistoryPanel } from './panels/HistoryPanel.js';
import { Toolbar } from './panels/Toolbar.js';
import { connect, live, store } from './session.js';
import { installHooks } from './view/bench-hook.js';
import { createRenderer, type GraphRenderer } from './view/canvas-renderer.js';

type Tab = 'details' | 'flows' | 'captures' | 'history';

/** The topology page. */
export function TopologyPage() {
  const container = useRef<HTMLDivElement>(null);
  const [renderer, setRenderer] = useState<GraphRenderer>();
  const [tab, setTab] = useState<Tab>('details');
  const [captureQuery, setCaptureQuery] = useState('');
  useTick(store);
  useTick(live);

  useEffect(() => {
    if (!container.current) return undefined;
    const r = createRenderer(store, container.current);
    const unhook = installHooks(store, live, r);
    setRenderer(r);
    void connect();
    return () => {
      unhook();
      r.kill();
    };
  }, []);

  const sel = store.selected;
  const selNode = sel?.kind === 'node' && store.graph.hasNode(sel.id) ? sel.id : undefined;
  const captureFrom = (q: string) => {
    setCaptureQuery(q);
    setTab('captures');
  };
  return (
    <div className="page">
      <Toolbar store={store} live={live} renderer={renderer} />
      <div className="main">
        <div className="canvas" ref={container} data-testid="graph" />
        <aside className="side">
          <nav className="tabs">
            {(['details', 'flows', 'captures', 'history'] as const).map((t) => (
              <button key={t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)}>
                {t[0]?.toUpperCase() + t.slice(1)}
              </button>
            ))}
          </nav>
          <div className="panel">
            {tab === 'details' && <DetailsPanel store={store} onCapture={captureFrom} />}
            {tab === 'flows' && <FlowsPanel nodeID={selNode} />}
            {tab === 'captures' && <CapturesPanel initialQuery={captureQuery} store={store} />}
            {tab === 'history' && <HistoryPanel live={live} store={store} />}
          </div>
          <details className="legend">
            <summary>Legend</summary>
            {legend().map(([type, s]) => (
              <div key={type}>
                <span className="dot" style={{ background: s.color }} /> {s.glyph} {s.label}
              </div>
            ))}
            <div>
              <span className="dot" style={{ background: '#e02020' }} /> State DOWN
            </div>
            <div>Double-click a group to collapse or expand it.</div>
          </details>
        </aside>
      </div>
    </div>
  );
}
