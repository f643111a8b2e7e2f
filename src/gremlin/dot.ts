// SPDX-License-Identifier: Apache-2.0
// Graphviz DOT for graph results (`Accept: text/vnd.graphviz`): one vertex per node labelled with
// its Name and a few key fields, one arrow per edge labelled with its RelationType.
import { QueryExecutionError } from '../graph/errors.js';
import type { Result } from './values.js';

const LABEL_KEYS = ['Type', 'IfIndex', 'State', 'TID', 'IPV4', 'IPV6'] as const;

/** A DOT double-quoted string. */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/**
 * Renders a graph result as DOT.
 * @throws QueryExecutionError SKY_ERR_QUERY_NOT_A_GRAPH for any other result kind.
 */
export function toDot(result: Result): string {
  if (result.kind !== 'graph') {
    throw new QueryExecutionError(
      'Only graph can be outputted as dot',
      undefined,
      'SKY_ERR_QUERY_NOT_A_GRAPH',
    );
  }
  const lines = ['digraph g {'];
  for (const n of result.view.nodes()) {
    const name = typeof n.metadata['Name'] === 'string' ? n.metadata['Name'] : '';
    let label = `${name}-${n.id.slice(0, 8)}`;
    for (const k of LABEL_KEYS)
      if (n.metadata[k] !== undefined) label += `\n${k} = ${text(n.metadata[k])}`;
    lines.push(`  ${q(n.id)} [label=${q(label)}];`);
  }
  for (const e of result.view.edges()) {
    const rel = typeof e.metadata['RelationType'] === 'string' ? e.metadata['RelationType'] : '';
    const attrs =
      rel === '' ? '' : ` [label=${q(rel)},dir=${rel === 'layer2' ? 'both' : 'forward'}]`;
    lines.push(`  ${q(e.parent)} -> ${q(e.child)}${attrs};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
