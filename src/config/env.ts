// SPDX-License-Identifier: Apache-2.0
// SKYDIVE_* environment variables → configuration keys. The name is the key upper-cased with `.`
// and `-` → `_`; since `_` also occurs inside key names (host_id) and user-chosen names
// (auth.<name>.type), names are resolved against the known key paths, not split blindly.

import { checkValue, isPlainObject } from './coerce.js';
import { WILDCARD, listConfigKeys, type ConfigKeyInfo } from './keys.js';
import { getPath, setPath } from './tree.js';

const PREFIX = 'SKYDIVE_';

const envForm = (seg: string) => seg.toUpperCase().replace(/[.-]/g, '_');

interface Match {
  key: ConfigKeyInfo;
  path: string[];
  /** User-chosen names not found among existing sections (guessed, lower-cased). */
  guessed: number;
}

let staticKeys: Map<string, ConfigKeyInfo> | undefined;
let patterns: ConfigKeyInfo[] | undefined;

function tables(): [Map<string, ConfigKeyInfo>, ConfigKeyInfo[]] {
  if (!staticKeys || !patterns) {
    staticKeys = new Map();
    patterns = [];
    for (const k of listConfigKeys()) {
      if (k.env === '') continue;
      if (k.path.includes(WILDCARD)) patterns.push(k);
      else if (!staticKeys.has(k.env)) staticKeys.set(k.env, k);
    }
  }
  return [staticKeys, patterns];
}

function matchPattern(
  key: ConfigKeyInfo,
  i: number,
  rest: string,
  node: unknown,
  path: string[],
  guessed: number,
  out: Match[],
): void {
  const seg = key.path[i] as string;
  const last = i === key.path.length - 1;
  const step = (name: string, remainder: string | undefined, guess: boolean) => {
    const next = [...path, name];
    if (remainder === undefined) out.push({ key, path: next, guessed: guessed + (guess ? 1 : 0) });
    else {
      const child = getPath(node, [name]);
      matchPattern(key, i + 1, remainder, child, next, guessed + (guess ? 1 : 0), out);
    }
  };
  const consume = (form: string): string | undefined | false => {
    if (last) return rest === form ? undefined : false;
    return rest.startsWith(`${form}_`) ? rest.slice(form.length + 1) : false;
  };
  if (seg !== WILDCARD) {
    const remainder = consume(envForm(seg));
    if (remainder !== false) step(seg, remainder, false);
    return;
  }
  const known = isPlainObject(node) ? Object.keys(node) : [];
  const knownForms = new Set<string>();
  for (const name of known) {
    const form = envForm(name);
    knownForms.add(form);
    const remainder = consume(form);
    if (remainder !== false) step(name, remainder, false);
  }
  // A name not seen in the files: try every split, lower-cased as Viper stores keys.
  for (let j = 1; j <= rest.length; j++) {
    if (j < rest.length && rest[j] !== '_') continue;
    if (last !== (j === rest.length)) continue;
    const form = rest.slice(0, j);
    if (knownForms.has(form)) continue;
    step(form.toLowerCase(), last ? undefined : rest.slice(j + 1), true);
  }
}

/**
 * The configuration key an environment variable sets, or undefined when it names none (other tools
 * share the SKYDIVE_ prefix, e.g. the client's SKYDIVE_ANALYZER, SKYDIVE_USERNAME).
 * @param tree the configuration loaded so far, to recognise existing user-chosen names
 */
export function resolveEnvName(name: string, tree: unknown): string[] | undefined {
  return resolve(name, tree)?.path;
}

function resolve(name: string, tree: unknown): Match | undefined {
  if (!name.startsWith(PREFIX)) return undefined;
  const rest = name.slice(PREFIX.length).toUpperCase();
  const [byName, wild] = tables();
  const exact = byName.get(`${PREFIX}${rest}`);
  if (exact) return { key: exact, path: [...exact.path], guessed: 0 };
  const matches: Match[] = [];
  for (const key of wild) matchPattern(key, 0, rest, tree, [], 0, matches);
  // Prefer names that exist in the files, then patterns in declaration order (stable sort).
  matches.sort((a, b) => a.guessed - b.guessed);
  return matches[0];
}

/**
 * The configuration tree set by SKYDIVE_* variables. Values are coerced by the key's type (lists
 * are space-separated); empty values count as unset, as in Viper.
 * @throws ConfigError naming the variable when a value has the wrong type.
 */
export function envTree(
  env: Record<string, string | undefined>,
  tree: unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    const match = resolve(name, tree);
    if (!match) continue;
    const source = `environment variable ${name}`;
    const got = checkValue(match.key.schema, value, match.path.join('.'), source);
    if (got !== undefined) setPath(out, match.path, got);
  }
  return out;
}
