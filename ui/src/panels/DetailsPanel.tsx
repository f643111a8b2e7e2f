// SPDX-License-Identifier: Apache-2.0
// The selected node or edge: name, type, group toggle, capture shortcut, counters as sparklines,
// its links (click one to see the edge), and the whole metadata as a copyable tree.
import type { GraphStore } from '../model/graph-store.js';
import { typeStyle } from '../model/style.js';
import { JsonTree } from './JsonTree.js';
import { Sparklines } from './Sparkline.js';

/** A Gremlin query naming one node. */
export function nodeQuery(id: string): string {
  return `G.V('${id.replace(/'/g, "\\'")}')`;
}

/** Details of the selection. */
export function DetailsPanel({
  store,
  onCapture,
}: {
  store: GraphStore;
  onCapture: (q: string) => void;
}) {
  const sel = store.selected;
  if (!sel)
    return (
      <p className="muted">
        Click a node to see its metadata. Double-click a group to collapse it.
      </p>
    );
  const g = store.graph;
  if (sel.kind === 'edge') {
    if (!g.hasEdge(sel.id)) return <p className="muted">This link is gone.</p>;
    const e = g.getEdgeAttributes(sel.id).json;
    return (
      <div data-testid="details">
        <h3>
          Link {String(e.Metadata['RelationType'] ?? '')}{' '}
          <button onClick={() => store.select({ kind: 'node', id: e.Parent })}>parent</button>{' '}
          <button onClick={() => store.select({ kind: 'node', id: e.Child })}>child</button>
        </h3>
        <JsonTree value={e} name="Edge" />
      </div>
    );
  }
  if (!g.hasNode(sel.id)) return <p className="muted">This node is gone.</p>;
  const n = g.getNodeAttributes(sel.id).json;
  const md = n.Metadata;
  const style = typeStyle(md['Type']);
  const group = store.groups.isGroup(n.ID);
  return (
    <div data-testid="details">
      <h3>
        <span style={{ color: style.color }}>{style.glyph}</span> {String(md['Name'] ?? n.ID)}{' '}
        <small>{String(md['Type'] ?? '')}</small>{' '}
        {md['State'] === 'DOWN' && <span className="down">DOWN</span>}
      </h3>
      <div className="row">
        {group && (
          <button onClick={() => store.toggle(n.ID)}>
            {store.groups.collapsed.has(n.ID) ? 'Expand' : 'Collapse'} group (
            {store.groups.descendants(n.ID)})
          </button>
        )}
        <button onClick={() => onCapture(nodeQuery(n.ID))}>Capture…</button>
      </div>
      <h4>Counters</h4>
      <Sparklines samples={store.metrics.get(n.ID)} />
      <h4>Links</h4>
      <ul className="links">
        {g.edges(n.ID).map((id) => {
          const e = g.getEdgeAttributes(id).json;
          const other = e.Parent === n.ID ? e.Child : e.Parent;
          const otherName = g.hasNode(other)
            ? String(g.getNodeAttribute(other, 'json').Metadata['Name'] ?? other)
            : other;
          return (
            <li key={id}>
              <button className="link" onClick={() => store.select({ kind: 'edge', id })}>
                {String(e.Metadata['RelationType'] ?? '?')}
              </button>{' '}
              {e.Parent === n.ID ? '→' : '←'}{' '}
              <button className="link" onClick={() => store.select({ kind: 'node', id: other })}>
                {otherName}
              </button>
            </li>
          );
        })}
      </ul>
      <JsonTree value={md} />
      <p className="muted">
        ID {n.ID} · Host {n.Host} · revision {n.Revision}
      </p>
    </div>
  );
}
