// SPDX-License-Identifier: Apache-2.0
// Loads the configuration once at boot: defaults, then YAML files in order (later wins), then
// SKYDIVE_* environment variables, then overrides (CLI flags). The result is validated and frozen.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type * as YAML from 'yaml';
import { checkValue, isPlainObject } from './coerce.js';
import { envTree } from './env.js';
import { ConfigError } from './errors.js';
import { relocateLegacyKeys } from './legacy.js';
import { ConfigSchema, STORAGE_DEFAULTS, type SkydiveConfig } from './schema.js';
import { checkStorageSections } from './schema-storage.js';
import { deepFreeze, defaultsOf, getPath, mergeInto, setPath } from './tree.js';

type Obj = Record<string, unknown>;

/** Inputs of `loadConfig`. */
export interface LoadConfigOptions {
  /** YAML files merged in order; `-` reads `stdin` (or the process's standard input). */
  files?: readonly string[];
  /** Content used for a `-` file. */
  stdin?: string;
  /** Environment (usually `process.env`); only SKYDIVE_* variables naming a key are used. */
  env?: Record<string, string | undefined>;
  /** Dotted key → value (CLI flags); `undefined` values are skipped. Highest precedence. */
  overrides?: Record<string, unknown>;
  /** Default of host_id (and etcd.name); `os.hostname()` when absent. */
  hostname?: string;
  /** Called for each deprecated key that was relocated. */
  onWarning?: (message: string) => void;
}

const checkConfig = TypeCompiler.Compile(ConfigSchema);

/**
 * The YAML parser, loaded on first use: a process started without a configuration file (the
 * usual agent) never pays for it (about 70 modules).
 */
let yamlParse: typeof YAML.parse | undefined;
function parseYAML(content: string): unknown {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof YAML).parse;
  return yamlParse(content);
}

function readSource(file: string, stdin: string | undefined): [content: string, source: string] {
  if (file === '-') {
    if (stdin !== undefined) return [stdin, 'stdin'];
    try {
      return [readFileSync(0, 'utf8'), 'stdin'];
    } catch (err) {
      throw new ConfigError(`cannot read the configuration from stdin: ${(err as Error).message}`, {
        source: 'stdin',
        cause: err,
      });
    }
  }
  try {
    return [readFileSync(file, 'utf8'), file];
  } catch (err) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(err as Error).message}`, {
      source: file,
      cause: err,
    });
  }
}

/**
 * Parses and checks one YAML document (a configuration file's content).
 * @returns the normalised partial configuration it sets
 * @throws ConfigError on invalid YAML, unknown keys or wrong types, naming `source`.
 */
export function parseConfigYAML(
  content: string,
  source: string,
  onWarning?: (m: string) => void,
): Obj {
  let raw: unknown;
  try {
    raw = parseYAML(content);
  } catch (err) {
    throw new ConfigError(`invalid YAML in ${source}: ${(err as Error).message}`, {
      source,
      cause: err,
    });
  }
  if (raw === null || raw === undefined) return {};
  if (!isPlainObject(raw)) {
    throw new ConfigError(
      `invalid configuration in ${source}: the document must be a map of keys`,
      {
        source,
      },
    );
  }
  for (const w of relocateLegacyKeys(raw, source)) onWarning?.(w);
  return (checkValue(ConfigSchema, raw, '', source) ?? {}) as Obj;
}

function overridesTree(overrides: Record<string, unknown>): Obj {
  const tree: Obj = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) setPath(tree, key.split('.'), value);
  }
  return (checkValue(ConfigSchema, tree, '', 'overrides') ?? {}) as Obj;
}

/** Fills storage sections from the defaults of their driver, as Skydive's setStorageDefaults. */
function applyStorageDefaults(config: Obj): void {
  const storage = config['storage'];
  if (!isPlainObject(storage)) return;
  for (const [name, section] of Object.entries(storage)) {
    if (!isPlainObject(section) || typeof section['driver'] !== 'string') continue;
    const defaults = STORAGE_DEFAULTS[section['driver']];
    if (!defaults || name === section['driver']) continue;
    for (const [k, v] of Object.entries(defaults)) {
      if (section[k] === undefined) section[k] = structuredClone(v);
    }
  }
}

/**
 * Loads the configuration: defaults ← files (in order) ← SKYDIVE_* env ← overrides.
 * @example
 * const config = loadConfig({ files: ['/etc/skydive/skydive.yml'], env: process.env });
 * config.analyzer.listen; // '127.0.0.1:8082' unless set
 * @throws ConfigError naming the key and its source on an unknown key or a wrong type.
 */
export function loadConfig(opts: LoadConfigOptions = {}): SkydiveConfig {
  const config = defaultsOf(ConfigSchema) as Obj;
  for (const file of opts.files ?? []) {
    const [content, source] = readSource(file, opts.stdin);
    mergeInto(config, parseConfigYAML(content, source, opts.onWarning));
  }
  if (opts.env) mergeInto(config, envTree(opts.env, config));
  if (opts.overrides) mergeInto(config, overridesTree(opts.overrides));

  if (!config['host_id']) config['host_id'] = opts.hostname ?? hostname();
  const etcd = config['etcd'] as Obj;
  if (!etcd['name']) etcd['name'] = config['host_id'];
  applyStorageDefaults(config);
  checkStorageSections(config['storage']);

  if (!checkConfig.Check(config)) {
    // The per-source checks above should make this unreachable; report the first problem if not.
    const first = checkConfig.Errors(config).First();
    const key = first?.path.replace(/^\//, '').replaceAll('/', '.') ?? '';
    throw new ConfigError(`invalid configuration at "${key}": ${first?.message ?? 'unknown'}`, {
      key,
    });
  }
  return deepFreeze(config as SkydiveConfig);
}

/**
 * The value of a dotted key (`GET /api/config/{key}`), e.g. `analyzer.listen` or `ui`; key segments
 * match exactly or else case-insensitively. Undefined when absent.
 */
export function getConfigValue(config: SkydiveConfig, key: string): unknown {
  if (key === '') return undefined;
  return getPath(config, key.split('.'));
}
