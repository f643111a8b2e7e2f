// SPDX-License-Identifier: Apache-2.0
// How a node looks by its Type: a colour and a glyph (the "icon" drawn before its label), and the
// colours of states and relation types. One table so the legend and the renderer agree.

/** Colour and glyph of a node Type. */
export interface TypeStyle {
  color: string;
  glyph: string;
  label: string;
}

const STYLES: Record<string, TypeStyle> = {
  host: { color: '#1f77b4', glyph: '⌂', label: 'host' },
  netns: { color: '#9467bd', glyph: '◎', label: 'namespace' },
  device: { color: '#2ca02c', glyph: '▣', label: 'device' },
  veth: { color: '#17becf', glyph: '⇄', label: 'veth' },
  bridge: { color: '#ff7f0e', glyph: '⋈', label: 'bridge' },
  ovsbridge: { color: '#d62790', glyph: '⊞', label: 'OVS bridge' },
  ovsport: { color: '#e377c2', glyph: '◫', label: 'OVS port' },
  internal: { color: '#bcbd22', glyph: '◇', label: 'internal' },
  openvswitch: { color: '#bcbd22', glyph: '◇', label: 'openvswitch' },
  tun: { color: '#8c564b', glyph: '⊸', label: 'tun' },
  tap: { color: '#8c564b', glyph: '⊸', label: 'tap' },
  vxlan: { color: '#7f7f7f', glyph: '≋', label: 'vxlan' },
  macvlan: { color: '#aec7e8', glyph: '⑂', label: 'macvlan' },
  container: { color: '#0b6e4f', glyph: '⬚', label: 'container' },
  blockdev: { color: '#8c8c8c', glyph: '▤', label: 'block device' },
};

const FALLBACK: TypeStyle = { color: '#6b7b8c', glyph: '•', label: 'other' };

/** The style of a Type (a neutral one for unknown types). */
export function typeStyle(type: unknown): TypeStyle {
  return (typeof type === 'string' && STYLES[type]) || FALLBACK;
}

/** The styled types, for the legend. */
export function legend(): Array<[string, TypeStyle]> {
  return Object.entries(STYLES);
}

/** Colour of a node whose State is DOWN. */
export const DOWN_COLOR = '#e02020';
/** Colour of what is dimmed while a search highlights its matches. */
export const DIM_COLOR = '#e3e6ea';
/** Colour of a node that existed at the shown past time and is gone now. */
export const REMOVED_COLOR = '#5a5a5a';

/** Colour and width of an edge by RelationType (ownership is drawn faint: grouping shows it). */
export function edgeStyle(relation: unknown): { color: string; size: number } {
  if (relation === 'ownership') return { color: '#d5dae0', size: 0.5 };
  if (relation === 'layer2') return { color: '#3a78c3', size: 1.5 };
  return { color: '#9aa5b1', size: 1 };
}
