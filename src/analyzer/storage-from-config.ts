// SPDX-License-Identifier: Apache-2.0
// Resolves the storage settings of an analyzer from the configuration: the storage.<name> sections
// named by analyzer.topology.backend and analyzer.flow.backend, with clear errors for a missing
// section or a driver skydive-ts does not implement.
import { ConfigError, type SkydiveConfig } from '../config/index.js';
import type { BackendSettings, StoreSettings } from '../storage/open.js';

type Section = NonNullable<SkydiveConfig['storage'][string]>;

function backend(config: SkydiveConfig, key: string, name: string): BackendSettings {
  const s: Section | undefined = config.storage[name];
  if (!s)
    throw new ConfigError(
      `configuration key "${key}" names storage "${name}", which has no storage.${name} section (defined: ${Object.keys(config.storage).join(', ')})`,
      { key },
    );
  const driver = s.driver;
  if (driver !== 'sqlite' && driver !== 'postgres' && driver !== 'memory')
    throw new ConfigError(
      `storage.${name} (named by "${key}") uses driver ${JSON.stringify(driver)}, which skydive-ts does not implement: use sqlite, postgres or memory`,
      { key: `storage.${name}.driver` },
    );
  const retention = {
    maxAgeMs: (s.retention?.age ?? 0) * 1000,
    maxBytes: (s.retention?.max_size ?? 0) * 1024 * 1024,
  };
  const out: BackendSettings = { name, driver, retention };
  if (driver === 'sqlite' && s.data_dir) out.dataDir = s.data_dir;
  if (driver === 'postgres') {
    const common = {
      ssl: s.ssl ? (s.ssl_insecure ? ('insecure' as const) : true) : undefined,
      maxConnections: s.max_connections,
      connectTimeout: s.connect_timeout,
    };
    // a URL carries its own target: the keys left at the driver defaults must not override it
    out.postgres = s.url
      ? { url: s.url, ...common }
      : {
          host: s.host,
          port: s.port,
          user: s.username,
          password: s.password,
          database: s.database,
          ...common,
        };
  }
  return out;
}

/**
 * The storage settings of an analyzer.
 * @throws ConfigError when a backend key names no section or an unsupported driver.
 */
export function storageSettingsFromConfig(config: SkydiveConfig): StoreSettings {
  const a = config.analyzer;
  return {
    topology: backend(config, 'analyzer.topology.backend', a.topology.backend),
    flow: backend(config, 'analyzer.flow.backend', a.flow.backend),
    flowMaxBufferSize: a.flow.max_buffer_size,
  };
}
