// SPDX-License-Identifier: Apache-2.0
// Metadata flags of the CLI: `--metadata 'k1=v1, k2=v2'` (dotted keys nest, values stay strings,
// as Skydive's DefToMetadata) and `-a k=v` / `-r k` turned into a JSON Patch on /Metadata/<k>.

import type { JsonPatchOp } from '../client/index.js';
import { UsageError } from './errors.js';

/** Sets `value` at a dotted path, creating intermediate objects. */
function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  const last = parts.pop() ?? key;
  let cur = target;
  for (const p of parts) {
    const next = cur[p];
    if (next && typeof next === 'object' && !Array.isArray(next)) {
      cur = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      cur[p] = created;
      cur = created;
    }
  }
  cur[last] = value;
}

/**
 * Parses `k1=v1, k2=v2` into metadata; `"` around keys and values are dropped, `a.b=c` nests.
 *
 * @example
 * parseMetadataDef('Name=eth0, Ovs.Bridge=br0') // { Name: 'eth0', Ovs: { Bridge: 'br0' } }
 */
export function parseMetadataDef(def: string | undefined): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (!def) return metadata;
  for (const raw of def.split(',')) {
    const pair = raw.trim();
    if (pair === '') continue;
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`attributes must be defined by pair k=v: ${def}`);
    const key = pair
      .slice(0, i)
      .trim()
      .replace(/^"+|"+$/g, '');
    const value = pair
      .slice(i + 1)
      .trim()
      .replace(/^"+|"+$/g, '');
    setField(metadata, key, value);
  }
  return metadata;
}

/** `/Metadata/<key>` with `/` in the key turned into `.`, as Skydive's CLI does. */
const metadataPath = (key: string) => `/Metadata/${key.replace(/\//g, '.')}`;

/**
 * The JSON Patch of `update -a k=v … -r k …`: a value that parses as JSON is used as such
 * (`MTU=1500` gives a number), anything else is a string.
 *
 * @example
 * metadataPatch(['Color=blue'], ['Old']) // [{op:'add',path:'/Metadata/Color',value:'blue'},{op:'remove',path:'/Metadata/Old'}]
 */
export function metadataPatch(add: readonly string[], remove: readonly string[]): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  for (const a of add) {
    const i = a.indexOf('=');
    if (i < 0) throw new UsageError(`metadata to add should be of the form k1=v1, got ${a}`);
    const text = a.slice(i + 1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    ops.push({ op: 'add', path: metadataPath(a.slice(0, i)), value });
  }
  for (const r of remove) ops.push({ op: 'remove', path: metadataPath(r) });
  return ops;
}
