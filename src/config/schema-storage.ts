// SPDX-License-Identifier: Apache-2.0
// The `storage.<name>` sections: Skydive's drivers (elasticsearch, orientdb, memory; accepted so old
// files load) and skydive-ts's own (sqlite, embedded and the default; postgres, shared by analyzers).

import { Type } from '@sinclair/typebox';
import { ConfigError } from './errors.js';
import { optInt, optList, optStr } from './schema-helpers.js';

/** Drivers a `storage.<name>.driver` may name. */
export const STORAGE_DRIVERS = ['sqlite', 'postgres', 'memory', 'elasticsearch', 'orientdb'];

const optBool = (description: string) => Type.Optional(Type.Boolean({ description }));

/** One storage backend section. Drivers may take keys beyond these (elasticsearch, orientdb). */
export const StorageBackend = Type.Object(
  {
    driver: optStr(
      'Storage driver: sqlite (embedded, default), postgres, memory (nothing kept); elasticsearch and orientdb are accepted but not supported.',
    ),
    data_dir: optStr(
      'sqlite: directory of the database files (history.db, flows.db, resources.db), created on first start. Default: /var/lib/skydive when writable, else $XDG_DATA_HOME/skydive (~/.local/share/skydive).',
    ),
    url: optStr(
      'postgres: connection URL, e.g. postgres://user:password@host:5432/skydive (instead of host, port, database, username, password).',
    ),
    host: optStr(
      'postgres: server host name, or the directory of its Unix socket; elasticsearch: server address (deprecated, use hosts).',
    ),
    port: optInt('postgres: server port.'),
    database: optStr('postgres, orientdb: database name.'),
    username: optStr('postgres, orientdb: user name.'),
    password: optStr('postgres, orientdb: password.'),
    ssl: optBool('postgres: connect with TLS (the certificate is verified unless ssl_insecure).'),
    ssl_insecure: optBool('Accept any TLS certificate.'),
    max_connections: optInt('postgres: connections per store pool.', { minimum: 1 }),
    connect_timeout: optInt('postgres: seconds to wait for a connection.', { minimum: 1 }),
    retention: Type.Optional(
      Type.Object(
        {
          age: optInt(
            'Seconds of topology history and flows kept (by the time they ended); 0 keeps everything.',
            { minimum: 0 },
          ),
          max_size: optInt(
            'Megabytes of topology history kept, oldest dropped first; 0: no limit.',
            { minimum: 0 },
          ),
        },
        { additionalProperties: false, description: 'sqlite, postgres: retention.' },
      ),
    ),
    hosts: optList('elasticsearch: server URLs.', { unused: true }),
    auth: Type.Optional(
      Type.Object(
        { username: optStr('User name.'), password: optStr('Password.') },
        { additionalProperties: false },
      ),
    ),
    bulk_maxdelay: optInt('Seconds before buffered documents are flushed.'),
    index_prefix: optStr('elasticsearch: index name prefix.', { unused: true }),
    index_entries_limit: optInt('Entries after which an index is rolled (0: no limit).'),
    index_age_limit: optInt('Minutes after which an index is rolled (0: no limit).'),
    indices_to_keep: optInt('Indices kept before deletion (0: all).'),
    total_fields_limit: optInt('elasticsearch: maximum number of fields.', { unused: true }),
    exclude_from_mapping: optList('elasticsearch: metadata keys not indexed.', { unused: true }),
    use_flattened: optBool('elasticsearch: flattened type.'),
    flattened_ignore_above: optInt('elasticsearch: flattened ignore_above.', { unused: true }),
    disable_sniffing: optBool('elasticsearch: no sniffing.'),
    disable_healthcheck: optBool('elasticsearch: no health check.'),
    debug: optBool('Log storage requests.'),
    addr: optStr('orientdb: server URL.', { unused: true }),
  },
  { additionalProperties: true, description: 'A storage backend; drivers may take further keys.' },
);

/** Keys each skydive-ts driver reads; any other key in its section is a configuration error. */
const DRIVER_KEYS: Record<string, readonly string[]> = {
  sqlite: ['driver', 'data_dir', 'retention', 'debug'],
  postgres: [
    'driver',
    'url',
    'host',
    'port',
    'database',
    'username',
    'password',
    'ssl',
    'ssl_insecure',
    'max_connections',
    'connect_timeout',
    'retention',
    'debug',
  ],
  memory: ['driver', 'retention', 'debug'],
};

/** Defaults of the storage sections, copied into user sections with the same driver. */
export const STORAGE_DEFAULTS: Record<string, Record<string, unknown>> = {
  sqlite: { driver: 'sqlite', retention: { age: 604800, max_size: 0 } },
  postgres: {
    driver: 'postgres',
    host: 'localhost',
    port: 5432,
    database: 'skydive',
    username: 'skydive',
    ssl: false,
    max_connections: 10,
    connect_timeout: 5,
    retention: { age: 604800, max_size: 0 },
  },
  elasticsearch: {
    driver: 'elasticsearch',
    hosts: ['http://127.0.0.1:9200'],
    ssl_insecure: false,
    bulk_maxdelay: 5,
    total_fields_limit: 1000,
    index_age_limit: 0,
    index_entries_limit: 0,
    indices_to_keep: 0,
    index_prefix: 'skydive_',
    use_flattened: true,
    flattened_ignore_above: 32768,
    exclude_from_mapping: [
      'Metadata.*.Extra',
      'Metadata.Container.Labels',
      'Metadata.Container.Hosts.ByIP',
      'Metadata.K8s.Labels',
      'Metadata.Actions',
      'Metadata.Filters',
      'Metadata.LXD.Config',
      'Metadata.LXD.Devices',
      'Metadata.OVN.ExtID',
      'Metadata.OVN.Options',
      'Metadata.OVN.IPv6RAConfigs',
    ],
    disable_sniffing: false,
    disable_healthcheck: false,
  },
  memory: { driver: 'memory' },
  orientdb: {
    driver: 'orientdb',
    addr: 'http://localhost:2480',
    database: 'Skydive',
    username: 'root',
    password: 'root',
  },
};

/**
 * Checks the storage sections once the configuration is merged: a known driver, and for the
 * drivers skydive-ts implements, only keys that driver reads.
 * @throws ConfigError naming the section and key.
 */
export function checkStorageSections(storage: unknown): void {
  if (storage === null || typeof storage !== 'object') return;
  for (const [name, section] of Object.entries(storage as Record<string, unknown>)) {
    if (section === null || typeof section !== 'object') continue;
    const s = section as Record<string, unknown>;
    const driver = s['driver'];
    if (driver === undefined) continue; // reported when a backend key names the section
    if (typeof driver !== 'string' || !STORAGE_DRIVERS.includes(driver))
      throw new ConfigError(
        `configuration key "storage.${name}.driver": unknown driver ${JSON.stringify(driver)}, expected one of ${STORAGE_DRIVERS.join(', ')}`,
        { key: `storage.${name}.driver` },
      );
    const allowed = DRIVER_KEYS[driver];
    if (!allowed) continue;
    for (const key of Object.keys(s))
      if (!allowed.includes(key))
        throw new ConfigError(
          `configuration key "storage.${name}.${key}" is not read by the ${driver} driver (it reads ${allowed.join(', ')})`,
          { key: `storage.${name}.${key}` },
        );
  }
}
