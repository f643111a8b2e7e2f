// SPDX-License-Identifier: Apache-2.0
// A private data directory for the analyzers a benchmark starts: their embedded SQLite stores (the
// default backend) go there instead of /var/lib/skydive, and it is removed when the process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

/** The benchmark's data directory (one per process), for `storage.sqlite.data_dir`. */
export function benchDataDir(): string {
  if (dir) return dir;
  const d = mkdtempSync(join(tmpdir(), 'skbench-data-'));
  dir = d;
  process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  return d;
}
