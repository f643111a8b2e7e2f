// SPDX-License-Identifier: Apache-2.0
// Opens the stores an analyzer runs on from resolved storage settings: the ResourceStore and the
// HistoryStore of the topology backend, the FlowStore (behind a FlowWriter) of the flow backend,
// flow retention, and one health report. PostgreSQL being down never fails the opening.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FlowWriter, type FlowWriterStatus } from './flow-writer.js';
import type { FlowStore } from './flow-store.js';
import type { HistoryStore } from './history-store.js';
import { MemoryFlowStore } from './memory/flow-store.js';
import { MemoryHistoryStore } from './memory/history-store.js';
import { MemoryResourceStore } from './memory/resource-store.js';
import type { PostgresSettings } from './postgres/connection.js';
import { PostgresFlowStore } from './postgres/flow-store.js';
import { PostgresHistoryStore } from './postgres/history-store.js';
import { openPostgresResourceStore } from './postgres/resource-store.js';
import { clientConfig } from './postgres/connection.js';
import type { ResourceStore } from './resource-store.js';
import type { StoreHealth } from './resource-sql.js';
import { SqlResourceStore } from './resource-sql.js';
import { SqliteFlowStore } from './sqlite/flow-store.js';
import { SqliteHistoryStore } from './sqlite/history-store.js';
import { SqliteWorkerHistoryStore } from './sqlite/history-worker-store.js';
import { openSqliteResourceStore } from './sqlite/resource-store.js';

/** One resolved `storage.<name>` section. */
export interface BackendSettings {
  /** The section name (for messages and status). */
  name: string;
  driver: 'sqlite' | 'postgres' | 'memory';
  /** sqlite: directory of the files; undefined: defaultDataDir(). */
  dataDir?: string | undefined;
  /** postgres: how to reach the database. */
  postgres?: PostgresSettings | undefined;
  /** Retention: age in ms (0: keep all) and history size in bytes (0: no limit). */
  retention: { maxAgeMs: number; maxBytes: number };
}

/** What openStores needs (the analyzer builds it from analyzer.* and storage.*). */
export interface StoreSettings {
  /** analyzer.topology.backend: history and API resources. */
  topology: BackendSettings;
  /** analyzer.flow.backend. */
  flow: BackendSettings;
  /** analyzer.flow.max_buffer_size. */
  flowMaxBufferSize: number;
  /** Period of flow retention runs (ms, default 60000). */
  flowRetentionEveryMs?: number;
  /** Change-log poll of the SQLite resource store (ms, default 250). */
  resourcePollMs?: number;
  /**
   * SQLite history: write in a worker thread (default true), so the analyzer's thread never waits
   * on the disk; false writes on the caller's thread (tests that need it).
   */
  historyWriterThread?: boolean;
}

/** The history backend as resolved, for the history service (retention, status). */
export interface HistoryBackendInfo {
  name: string;
  driver: BackendSettings['driver'];
  /** sqlite: the data directory actually used. */
  dataDir?: string | undefined;
  retention: BackendSettings['retention'];
}

/** Health of the stores, for /api/status and /metrics. */
export interface StoresStatus {
  resources: { backend: string } & StoreHealth;
  flows: FlowWriterStatus;
}

/** The opened stores; close() closes them all. */
export interface OpenedStores {
  resources: ResourceStore;
  flows: FlowWriter;
  history: HistoryStore;
  historyBackend: HistoryBackendInfo;
  status(): StoresStatus;
  close(): Promise<void>;
}

/** Told about what happens in the stores (storage does not log; the analyzer does). */
export interface StoreEvents {
  onFlowWriteError?: (err: unknown) => void;
  onResourceHealth?: (healthy: boolean, err?: unknown) => void;
  onRetentionError?: (err: unknown) => void;
}

const writable = (dir: string): boolean => {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The default data directory: /var/lib/skydive when it is (or can be made) writable, else
 * $XDG_DATA_HOME/skydive, else ~/.local/share/skydive.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (writable('/var/lib/skydive')) return '/var/lib/skydive';
  const base = env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
  return join(base, 'skydive');
}

function pgSettings(b: BackendSettings): PostgresSettings {
  return b.postgres ?? {};
}

/**
 * Opens every store the settings name. SQLite files that cannot be created fail the call
 * (SKY_ERR_STORAGE_OPEN naming the path); PostgreSQL stores open even while the server is down
 * and report it through status() until it answers.
 * @example
 * const stores = await openStores({ topology, flow, flowMaxBufferSize: 100_000 });
 * registerHttp(app, ctx, { resources: stores.resources });
 */
export async function openStores(s: StoreSettings, ev: StoreEvents = {}): Promise<OpenedStores> {
  const opened: Array<{ close(): Promise<void> }> = [];
  const closeAll = async (): Promise<void> => {
    for (const c of opened.reverse()) await c.close().catch(() => undefined);
  };
  try {
    const topo = s.topology;
    const topoDir = topo.driver === 'sqlite' ? (topo.dataDir ?? defaultDataDir()) : undefined;
    let resources: ResourceStore;
    let history: HistoryStore;
    if (topo.driver === 'sqlite') {
      resources = await openSqliteResourceStore({
        path: join(topoDir as string, 'resources.db'),
        pollMs: s.resourcePollMs ?? 250,
      });
      opened.push(resources);
      const hopts = { dataDir: topoDir as string };
      history =
        s.historyWriterThread === false
          ? SqliteHistoryStore.open(hopts)
          : SqliteWorkerHistoryStore.open(hopts);
      opened.push(history);
    } else if (topo.driver === 'postgres') {
      resources = await openPostgresResourceStore({
        ...pgSettings(topo),
        ...(ev.onResourceHealth ? { onHealth: ev.onResourceHealth } : {}),
      });
      opened.push(resources);
      history = new PostgresHistoryStore({ pool: clientConfig(pgSettings(topo)) });
      opened.push(history);
    } else {
      resources = new MemoryResourceStore();
      opened.push(resources);
      history = new MemoryHistoryStore();
      opened.push(history);
    }

    const fb = s.flow;
    let backend: FlowStore;
    if (fb.driver === 'sqlite')
      backend = SqliteFlowStore.open(join(fb.dataDir ?? defaultDataDir(), 'flows.db'));
    else if (fb.driver === 'postgres') backend = new PostgresFlowStore(pgSettings(fb));
    else backend = new MemoryFlowStore();
    const flows = new FlowWriter(backend, {
      maxBuffer: s.flowMaxBufferSize,
      ...(ev.onFlowWriteError ? { onError: ev.onFlowWriteError } : {}),
    });
    opened.push(flows);

    let retention: NodeJS.Timeout | undefined;
    if (fb.retention.maxAgeMs > 0) {
      retention = setInterval(() => {
        flows.prune(Date.now() - fb.retention.maxAgeMs).catch((err: unknown) => {
          ev.onRetentionError?.(err);
        });
      }, s.flowRetentionEveryMs ?? 60_000);
      retention.unref();
    }

    return {
      resources,
      flows,
      history,
      historyBackend: {
        name: topo.name,
        driver: topo.driver,
        ...(topoDir === undefined ? {} : { dataDir: topoDir }),
        retention: topo.retention,
      },
      status: () => ({
        resources: {
          backend: topo.driver,
          ...(resources instanceof SqlResourceStore ? resources.status() : { healthy: true }),
        },
        flows: flows.status(),
      }),
      async close() {
        clearInterval(retention);
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
