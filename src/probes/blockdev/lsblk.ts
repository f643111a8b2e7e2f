// SPDX-License-Identifier: Apache-2.0
// Turns `lsblk -J -O -b` output into a flat list of block devices with their parents and their
// node metadata (Skydive's layout: identity keys at the top, lsblk's columns under Attributes).

/** One block device as the probe publishes it. */
export interface BlockDevice {
  /** Its device path (`/dev/loop0`), the key the probe tracks it by. */
  key: string;
  /** Keys of the devices it sits on, in lsblk order (empty for a top-level device). */
  parents: string[];
  metadata: Record<string, unknown>;
}

// lsblk before 2.33 printed every value as a string; these columns are numbers or booleans.
const NUMERIC = new Set([
  'alignment',
  'disc-aln',
  'disc-gran',
  'disc-max',
  'fsavail',
  'fssize',
  'fsused',
  'log-sec',
  'min-io',
  'opt-io',
  'phy-sec',
  'ra',
  'rq-size',
  'size',
  'start',
  'wsame',
]);
const BOOLEAN = new Set(['dax', 'disc-zero', 'hotplug', 'rand', 'rm', 'ro', 'rota']);
const SPECIAL_NAMES: Record<string, string> = {
  uuid: 'UUID',
  wwn: 'WWN',
  'fsuse%': 'FsusePercent',
};

/** lsblk column → Skydive attribute name: `disc-aln` → `DiscAln`, `maj:min` → `MajMin`. */
export function attributeName(column: string): string {
  const special = SPECIAL_NAMES[column];
  if (special) return special;
  return column
    .split(/[-:%]/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function value(column: string, v: unknown): unknown {
  if (typeof v === 'string') {
    const s = v.trim();
    if (BOOLEAN.has(column) && (s === '0' || s === '1')) return s === '1';
    if (NUMERIC.has(column) && /^\d+$/.test(s)) return Number(s);
    return s === '' ? null : s;
  }
  if (Array.isArray(v)) {
    const items = v.filter((x) => x !== null && x !== '');
    return items.length === 0 ? null : items;
  }
  return v;
}

type Raw = Record<string, unknown> & { children?: Raw[] };

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

function metadataOf(raw: Raw, key: string): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  for (const [col, v] of Object.entries(raw)) {
    if (col === 'children') continue;
    const val = value(col, v);
    if (val !== null && val !== undefined) attrs[attributeName(col)] = val;
  }
  const name = str(raw['kname']) ?? str(raw['name']) ?? key.slice(key.lastIndexOf('/') + 1);
  const md: Record<string, unknown> = {
    Name: name,
    Type: 'blockdev',
    Manager: 'blockdev',
    Path: key,
    Index: str(raw['wwn']) ?? str(raw['serial']) ?? name,
    Attributes: attrs,
  };
  const majMin = str(raw['maj:min']);
  if (majMin) md['MajorMinor'] = majMin;
  return md;
}

/**
 * Parses lsblk's JSON into devices, in lsblk order. A device listed under several
 * parents (a RAID member set, a multipath map) appears once, with every parent.
 * @example parseLsblk('{"blockdevices":[{"name":"vda","path":"/dev/vda","type":"disk"}]}')[0]?.key
 * // '/dev/vda'
 */
export function parseLsblk(json: string): BlockDevice[] {
  const doc = JSON.parse(json) as { blockdevices?: Raw[] };
  const byKey = new Map<string, BlockDevice>();
  const visit = (raw: Raw, parent: string | undefined) => {
    const name = str(raw['name']) ?? str(raw['kname']);
    const key = str(raw['path']) ?? (name ? (name.startsWith('/') ? name : `/dev/${name}`) : '');
    if (key === '') return;
    let dev = byKey.get(key);
    if (!dev) {
      dev = { key, parents: [], metadata: metadataOf(raw, key) };
      byKey.set(key, dev);
    }
    if (parent !== undefined && !dev.parents.includes(parent)) dev.parents.push(parent);
    for (const child of raw.children ?? []) visit(child, key);
  };
  for (const raw of doc.blockdevices ?? []) visit(raw, undefined);
  return [...byKey.values()];
}
