// SPDX-License-Identifier: Apache-2.0
// Checks one source (a YAML file, an environment variable, the CLI overrides) against the schema:
// key names matched case-insensitively (as Viper does), values coerced by their schema type
// (strings from env, numbers written as strings…), errors naming the key, the source and the value.

import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';
import { ConfigError } from './errors.js';

type Obj = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is Obj =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** Short rendering of a configuration value for messages. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  return String(v);
}

/** Human name of what a schema expects. */
export function expected(schema: TSchema): string {
  switch (schema[Kind]) {
    case 'String':
      return 'a string';
    case 'Integer':
      return 'an integer';
    case 'Number':
      return 'a number';
    case 'Boolean':
      return 'a boolean';
    case 'Array':
      return `a list of ${expected(schema['items'] as TSchema).replace(/^an? /, '')}s`;
    case 'Object':
      return 'a map of keys';
    case 'Record':
      return 'a map';
    case 'Union':
      return `one of ${literals(schema).join(', ')}`;
    default:
      return 'a value';
  }
}

function literals(schema: TSchema): string[] {
  return (schema['anyOf'] as TSchema[]).map((s) => String(s['const']));
}

/** Child schemas of an object schema, in declaration order. */
export const propertiesOf = (schema: TSchema): Record<string, TSchema> =>
  (schema['properties'] as Record<string, TSchema> | undefined) ?? {};

/** The value schema of a Record. */
export const recordValue = (schema: TSchema): TSchema =>
  Object.values(schema['patternProperties'] as Record<string, TSchema>)[0] as TSchema;

/** The property of `props` named `key`, exactly or else case-insensitively. */
export function findKey(props: Record<string, unknown>, key: string): string | undefined {
  if (Object.hasOwn(props, key)) return key;
  const lower = key.toLowerCase();
  return Object.keys(props).find((k) => k.toLowerCase() === lower);
}

const TRUE = new Set(['1', 't', 'true', 'yes', 'on', 'y']);
const FALSE = new Set(['0', 'f', 'false', 'no', 'off', 'n']);

class Checker {
  constructor(private readonly source: string) {}

  private typeError(path: string, schema: TSchema, v: unknown, why?: string): never {
    const detail = why ?? `expected ${expected(schema)}, got ${show(v)}`;
    throw new ConfigError(`configuration key "${path}" in ${this.source}: ${detail}`, {
      key: path,
      source: this.source,
    });
  }

  private range(path: string, schema: TSchema, n: number): number {
    const min = schema['minimum'] as number | undefined;
    const xmin = schema['exclusiveMinimum'] as number | undefined;
    const max = schema['maximum'] as number | undefined;
    if (min !== undefined && n < min)
      this.typeError(path, schema, n, `must be >= ${min}, got ${n}`);
    if (xmin !== undefined && n <= xmin)
      this.typeError(path, schema, n, `must be > ${xmin}, got ${n}`);
    if (max !== undefined && n > max)
      this.typeError(path, schema, n, `must be <= ${max}, got ${n}`);
    return n;
  }

  /** Normalised value, or undefined when the source leaves the key unset (`null`). */
  check(schema: TSchema, v: unknown, path: string): unknown {
    if (v === null || v === undefined) return undefined;
    switch (schema[Kind]) {
      case 'Object': {
        const o = this.object(schema, v, path);
        // An optional section whose keys are all unset (e.g. only commented out) is left out.
        return isOptional(schema) && Object.keys(o).length === 0 ? undefined : o;
      }
      case 'Record':
        return this.record(schema, v, path);
      case 'Array':
        return this.array(schema, v, path);
      case 'String':
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        return this.typeError(path, schema, v);
      case 'Integer': {
        const n = typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isSafeInteger(n))
          return this.typeError(path, schema, v);
        return this.range(path, schema, n);
      }
      case 'Number': {
        const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isFinite(n)) return this.typeError(path, schema, v);
        return this.range(path, schema, n);
      }
      case 'Boolean':
        if (typeof v === 'boolean') return v;
        if (typeof v === 'string' && TRUE.has(v.trim().toLowerCase())) return true;
        if (typeof v === 'string' && FALSE.has(v.trim().toLowerCase())) return false;
        if (v === 0 || v === 1) return v === 1;
        return this.typeError(path, schema, v);
      case 'Union': {
        const s = typeof v === 'number' ? String(v) : v;
        if (typeof s === 'string' && literals(schema).includes(s)) return s;
        return this.typeError(path, schema, v);
      }
      default:
        return v;
    }
  }

  private object(schema: TSchema, v: unknown, path: string): Obj {
    if (!isPlainObject(v)) return this.typeError(path, schema, v);
    const props = propertiesOf(schema);
    const extra = schema['additionalProperties'] as boolean | TSchema | undefined;
    const out: Obj = {};
    for (const [key, value] of Object.entries(v)) {
      const sub = path ? `${path}.${key}` : key;
      const name = findKey(props, key);
      let got: unknown;
      if (name !== undefined)
        got = this.check(props[name] as TSchema, value, path ? `${path}.${name}` : name);
      else if (extra === true) got = value;
      else if (typeof extra === 'object') got = this.check(extra, value, sub);
      else {
        throw new ConfigError(`unknown configuration key "${sub}" in ${this.source}`, {
          key: sub,
          source: this.source,
        });
      }
      if (got === undefined) continue;
      const at = name ?? key;
      const prev = out[at];
      // `Agent:` and `agent:` in one file are the same section to Viper: merge them.
      out[at] = isPlainObject(prev) && isPlainObject(got) ? { ...prev, ...got } : got;
    }
    return out;
  }

  private record(schema: TSchema, v: unknown, path: string): Obj {
    if (!isPlainObject(v)) return this.typeError(path, schema, v);
    const value = recordValue(schema);
    const out: Obj = {};
    for (const [key, item] of Object.entries(v)) {
      const got = this.check(value, item, `${path}.${key}`);
      if (got !== undefined) out[key] = got;
    }
    return out;
  }

  private array(schema: TSchema, v: unknown, path: string): unknown[] {
    const items = schema['items'] as TSchema;
    // Viper reads a string as a whitespace-separated list (env vars, `probes: ovsdb docker`).
    const list = typeof v === 'string' ? v.split(/\s+/).filter((s) => s !== '') : v;
    if (!Array.isArray(list)) return this.typeError(path, schema, v);
    return list.map((item, i) => {
      const got = this.check(items, item, `${path}[${i}]`);
      if (got === undefined) this.typeError(`${path}[${i}]`, items, item);
      return got;
    });
  }
}

/**
 * Validates and normalises `value` against `schema` (no defaults applied).
 * @param path dotted path of `value` ('' for the root)
 * @param source where the value comes from, for messages (a file path, `overrides`…)
 * @throws ConfigError on an unknown key or a value of the wrong type.
 */
export function checkValue(schema: TSchema, value: unknown, path: string, source: string): unknown {
  return new Checker(source).check(schema, value, path);
}

/** True when the schema is wrapped in Type.Optional. */
export const isOptional = (schema: TSchema): boolean => schema[OptionalKind] === 'Optional';
