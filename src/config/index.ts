// SPDX-License-Identifier: Apache-2.0
// Public surface of the configuration: the schema and its type, the loader, key lookup, listen
// address parsing and the key list the docs are generated from.

export { ConfigError, ERR_CONFIG } from './errors.js';
export { ConfigSchema, STORAGE_DEFAULTS, type SkydiveConfig, type DeepReadonly } from './schema.js';
export { loadConfig, getConfigValue, parseConfigYAML, type LoadConfigOptions } from './load.js';
export { parseListen, type ListenAddress } from './listen.js';
export { listConfigKeys, envNameOf, WILDCARD, type ConfigKeyInfo } from './keys.js';
export { resolveEnvName } from './env.js';
export { RELOCATIONS } from './legacy.js';
