// SPDX-License-Identifier: Apache-2.0
// A private Open vSwitch (platform.md B1): ovsdb-server on a Unix socket in a temp directory and a
// userspace ovs-vswitchd inside its own namespace, so its tap devices stay there. stop() ends both.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scratch } from './netns.js';

/** A running private OVS. */
export interface PrivateOvs {
  dir: string;
  /** Namespace ovs-vswitchd runs in. */
  ns: string;
  /** Runs ovs-vsctl against this database. */
  vsctl(...args: string[]): string;
  stop(): void;
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts ovsdb-server and ovs-vswitchd (in namespace `<scratch>o`); call stop() in finally. */
export function startOvs(scratch: Scratch): PrivateOvs {
  const dir = mkdtempSync(join(tmpdir(), 'sktest-ovs-'));
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir };
  const db = `unix:${dir}/db.sock`;
  const ns = scratch.netns('o');
  const stop = () => {
    for (const ctl of ['vs.ctl', 'ovsdb.ctl']) {
      try {
        exec('ovs-appctl', ['-t', join(dir, ctl), 'exit'], env);
      } catch {
        // not running
      }
    }
    for (const pid of ['vs.pid', 'ovsdb.pid']) {
      try {
        process.kill(Number(readFileSync(join(dir, pid), 'utf8').trim()), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    exec(
      'ovsdb-tool',
      ['create', `${dir}/conf.db`, '/usr/share/openvswitch/vswitch.ovsschema'],
      env,
    );
    exec(
      'ovsdb-server',
      [
        `${dir}/conf.db`,
        `--remote=punix:${dir}/db.sock`,
        `--pidfile=${dir}/ovsdb.pid`,
        '--detach',
        `--log-file=${dir}/ovsdb.log`,
        `--unixctl=${dir}/ovsdb.ctl`,
      ],
      env,
    );
    exec('ovs-vsctl', [`--db=${db}`, '--no-wait', 'init'], env);
    exec(
      'nsenter',
      [
        `--net=/run/netns/${ns}`,
        'ovs-vswitchd',
        db,
        `--pidfile=${dir}/vs.pid`,
        '--detach',
        `--log-file=${dir}/vs.log`,
        `--unixctl=${dir}/vs.ctl`,
      ],
      env,
    );
  } catch (e) {
    stop();
    throw e;
  }
  return {
    dir,
    ns,
    vsctl: (...args) => exec('ovs-vsctl', [`--db=${db}`, '--timeout=10', ...args], env),
    stop,
  };
}
