// SPDX-License-Identifier: Apache-2.0
// The flat list of configuration keys derived from the schema: dotted path, expected type, default,
// description and environment variable name. Env mapping and the generated docs both use it.

import { Kind, type TSchema } from '@sinclair/typebox';
import { expected, propertiesOf, recordValue } from './coerce.js';
import { ConfigSchema } from './schema.js';

/** Stands for a user-chosen name (auth.<name>, storage.<name>, …) in a key path. */
export const WILDCARD = '*';

/** One documented configuration key. */
export interface ConfigKeyInfo {
  /** Path segments; `*` for a user-chosen name. */
  readonly path: readonly string[];
  /** Dotted key, `<name>` for a user-chosen name, e.g. `auth.<name>.type`. */
  readonly key: string;
  readonly schema: TSchema;
  /** What the value must be, e.g. "an integer", "one of udp, websocket". */
  readonly type: string;
  readonly default: unknown;
  /** How a computed default is obtained (e.g. "the host name"). */
  readonly defaultText: string | undefined;
  readonly description: string;
  /** Accepted for compatibility but not used by skydive-ts. */
  readonly unused: boolean;
  /** A map of user-chosen names (documented as a whole) rather than a single value. */
  readonly isMap: boolean;
  /** Environment variable, e.g. SKYDIVE_ANALYZER_LISTEN; '' when the key cannot be set from env. */
  readonly env: string;
  readonly example: unknown;
}

/** `SKYDIVE_` + segments upper-cased with `.` and `-` → `_` (user-chosen names as `<NAME>`). */
export function envNameOf(path: readonly string[]): string {
  const parts = path.map((s) =>
    s === WILDCARD ? '<NAME>' : s.toUpperCase().replace(/[.-]/g, '_'),
  );
  return `SKYDIVE_${parts.join('_')}`;
}

const isLeaf = (s: TSchema) => s[Kind] !== 'Object' && s[Kind] !== 'Record';

function info(path: string[], schema: TSchema, isMap: boolean): ConfigKeyInfo {
  const scalar = !isMap && schema[Kind] !== 'Unknown';
  return {
    path,
    key: path.map((s) => (s === WILDCARD ? '<name>' : s)).join('.'),
    schema,
    type: schema[Kind] === 'Unknown' ? 'any value' : expected(schema),
    default: schema['default'],
    defaultText: schema['x-default-text'] as string | undefined,
    description: (schema['description'] as string | undefined) ?? '',
    unused: schema['x-unused'] === true,
    isMap,
    env: scalar ? envNameOf(path) : '',
    example: schema['x-example'],
  };
}

function walk(schema: TSchema, path: string[], out: ConfigKeyInfo[]): void {
  if (schema[Kind] === 'Object') {
    for (const [k, sub] of Object.entries(propertiesOf(schema))) walk(sub, [...path, k], out);
    return;
  }
  if (schema[Kind] === 'Record') {
    const value = recordValue(schema);
    if (isLeaf(value)) {
      // A map of scalars is documented as one `<name>` row carrying the map's text and default.
      const merged = {
        ...schema,
        ...value,
        description: schema['description'],
        default: schema['default'],
      };
      out.push({ ...info([...path, WILDCARD], merged as TSchema, false), schema: value });
      return;
    }
    out.push(info(path, schema, true));
    walk(value, [...path, WILDCARD], out);
    return;
  }
  if (isLeaf(schema)) out.push(info(path, schema, false));
}

let cache: ConfigKeyInfo[] | undefined;

/** Every key of the configuration schema, sections flattened, in declaration order. */
export function listConfigKeys(): readonly ConfigKeyInfo[] {
  if (!cache) {
    cache = [];
    walk(ConfigSchema, [], cache);
  }
  return cache;
}
