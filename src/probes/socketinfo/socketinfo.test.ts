// SPDX-License-Identifier: Apache-2.0
// The socketinfo probe on /proc inputs recorded on the project's VM (fixtures/proc-two-netns.json,
// made by fixtures/record-proc-two-netns.sh): HTTP servers in the host and in a test namespace,
// a TCP client over ::1, bound and connected UDP sockets.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { Graph, type Node } from '../../graph/index.js';
import { ProbeBundle } from '../bundle.js';
import {
  formatIP,
  parseProcNet,
  scanSockets,
  socketinfoProbe,
  SocketPublisher,
  stateName,
  type NetTable,
  type ProcSource,
  type SocketInfo,
} from './index.js';

interface Recording {
  self: number;
  processes: Record<string, { netns: number; sockets: number[]; exe: string; comm: string }>;
  tables: Record<string, Record<NetTable, string>>;
}

const here = dirname(fileURLToPath(import.meta.url));
const rec = JSON.parse(
  readFileSync(join(here, 'fixtures', 'proc-two-netns.json'), 'utf8'),
) as Recording;
const HOST_NS = rec.self;
const TEST_NS = 4026532177;
const PY = '/root/.pyenv/versions/3.11.7/bin/python3.11';

/** A ProcSource answering from the recording; every table of a namespace is readable from each
 * of its processes, as in /proc. */
function recorded(r: Recording = rec): ProcSource {
  const tablesOf = (pid: number) => {
    const ns = r.processes[pid]?.netns;
    const reader = Object.keys(r.tables).find((p) => r.processes[p]?.netns === ns);
    return reader === undefined ? undefined : r.tables[reader];
  };
  return {
    pids: async () => Object.keys(r.processes).map(Number),
    netnsInode: async (pid) => (pid === 'self' ? r.self : r.processes[pid]?.netns),
    socketInodes: async (pid) => r.processes[pid]?.sockets ?? [],
    exe: async (pid) => r.processes[pid]?.exe,
    comm: async (pid) => r.processes[pid]?.comm.trim(),
    netTable: async (pid, t) => tablesOf(pid)?.[t],
  };
}

const sock = (s: Partial<SocketInfo>): SocketInfo => ({
  Process: PY,
  Pid: 0,
  Name: 'python3',
  LocalAddress: '',
  LocalPort: 0,
  RemoteAddress: '',
  RemotePort: 0,
  Protocol: 'TCP',
  State: 'ESTABLISHED',
  ...s,
});

describe('/proc/net parsing', () => {
  it('#parseProcNet decodes v4 and v6 rows with their inode', () => {
    const rows = parseProcNet(rec.tables['6446']!.tcp6);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[1], {
      localAddress: '::1',
      localPort: 43306,
      remoteAddress: '::1',
      remotePort: 18766,
      state: 'ESTABLISHED',
      inode: 206636,
    });
    const v4 = parseProcNet(rec.tables['6446']!.tcp);
    assert.deepEqual(v4[0], {
      localAddress: '0.0.0.0',
      localPort: 2024,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      state: 'LISTEN',
      inode: 1144,
    });
    assert.deepEqual(parseProcNet('header\ngarbage line\n'), []);
  });

  it('#formatIP writes addresses as Go does', () => {
    const v6 = (hex: string) => formatIP(Buffer.from(hex, 'hex').toJSON().data);
    assert.equal(v6('00000000000000000000000000000000'), '::');
    assert.equal(v6('20010db8000000000001000000000001'), '2001:db8::1:0:0:1');
    assert.equal(v6('20010db8000100000000000000000001'), '2001:db8:1::1');
    assert.equal(v6('fe800000000000000000000000000000'), 'fe80::');
    assert.equal(v6('20010db8000100010001000100010001'), '2001:db8:1:1:1:1:1:1');
    assert.equal(v6('20010db8000000010001000100010001'), '2001:db8:0:1:1:1:1:1', 'one zero group');
    assert.equal(v6('00000000000000000000ffff7f000001'), '127.0.0.1', 'v4-mapped');
    assert.equal(formatIP([10, 0, 0, 1]), '10.0.0.1');
  });

  it('#stateName names kernel states', () => {
    assert.equal(stateName('0A'), 'LISTEN');
    assert.equal(stateName('07'), 'CLOSE');
    assert.equal(stateName('06'), 'TIME_WAIT');
    assert.equal(stateName('FF'), 'UNKNOWN');
  });
});

describe('#scanSockets', () => {
  it('gives each namespace its sockets with their owning process', async () => {
    const scan = await scanSockets(recorded());
    assert.equal(scan.selfNetns, HOST_NS);
    assert.deepEqual(scan.byNetns.get(TEST_NS), [
      sock({
        Pid: 6445,
        LocalAddress: '127.0.0.1',
        LocalPort: 18765,
        RemoteAddress: '0.0.0.0',
        State: 'LISTEN',
      }),
      sock({
        Pid: 6529,
        LocalAddress: '::1',
        LocalPort: 18768,
        RemoteAddress: '::1',
        RemotePort: 53,
        Protocol: 'UDP',
      }),
    ]);
    // The host's 0.0.0.0:2024 listener belongs to no recorded process: left out.
    assert.deepEqual(scan.byNetns.get(HOST_NS), [
      sock({
        Pid: 6446,
        LocalAddress: '::1',
        LocalPort: 18766,
        RemoteAddress: '::',
        State: 'LISTEN',
      }),
      sock({
        Pid: 6446,
        LocalAddress: '::1',
        LocalPort: 18766,
        RemoteAddress: '::1',
        RemotePort: 43306,
      }),
      sock({
        Pid: 6528,
        LocalAddress: '::1',
        LocalPort: 43306,
        RemoteAddress: '::1',
        RemotePort: 18766,
      }),
      sock({
        Pid: 6528,
        LocalAddress: '127.0.0.1',
        LocalPort: 18767,
        RemoteAddress: '0.0.0.0',
        Protocol: 'UDP',
        State: 'CLOSE',
      }),
    ]);
  });

  it('gives a shared socket to the lowest PID and survives a process that vanished', async () => {
    const forked: Recording = structuredClone(rec);
    forked.processes['7000'] = { ...forked.processes['6445']!, comm: 'child\n' };
    forked.processes['9999'] = { netns: 1, sockets: [1], exe: '/x', comm: 'gone' };
    const scan = await scanSockets(recorded(forked));
    const listener = scan.byNetns.get(TEST_NS)?.find((s) => s.LocalPort === 18765);
    assert.equal(listener?.Pid, 6445);
    assert.deepEqual(scan.byNetns.get(1), [], 'no table could be read');
  });
});

describe('SocketPublisher', () => {
  function world() {
    const graph = new Graph({ host: 'h', origin: 'agent.h' });
    const root = graph.newNode({ Name: 'h', Type: 'host' });
    const ns = graph.newNode({
      Name: 'test',
      Type: 'netns',
      Path: '/var/run/netns/test',
      Inode: TEST_NS,
    });
    graph.newEdge(root.id, ns.id, { RelationType: 'ownership' });
    return { graph, root, ns };
  }
  const ports = (n: Node) => (n.metadata['Sockets'] as SocketInfo[]).map((s) => s.LocalPort);

  it('puts host sockets on the host node and namespace sockets on the netns node, once', async () => {
    const { graph, root, ns } = world();
    const pub = new SocketPublisher(graph, root);
    const scan = await scanSockets(recorded());
    assert.equal(pub.apply(scan), 2);
    assert.deepEqual(ports(ns), [18765, 18768]);
    assert.deepEqual(ports(root), [18766, 18766, 43306, 18767]);
    let updates = 0;
    graph.on('nodeUpdated', () => updates++);
    assert.equal(pub.apply(await scanSockets(recorded())), 0);
    assert.equal(updates, 0, 'an unchanged list is no update');
  });

  it('fills a netns node created between scans, and empties one whose processes left', async () => {
    const { graph, root } = world();
    const pub = new SocketPublisher(graph, root);
    pub.apply(await scanSockets(recorded()));
    const late = graph.newNode({
      Name: 'late',
      Type: 'netns',
      Path: '/proc/1/ns/net',
      Inode: TEST_NS,
    });
    pub.fill(late);
    assert.deepEqual(ports(late), [18765, 18768]);
    const empty: Recording = { ...rec, processes: {}, tables: {} };
    pub.apply(await scanSockets(recorded(empty)));
    assert.deepEqual(late.metadata['Sockets'], []);
  });
});

describe('socketinfoProbe', () => {
  it('scans the live /proc and publishes its own listener on the host node', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const graph = new Graph({ host: 'h', origin: 'agent.h' });
    const root = graph.newNode({ Name: 'h', Type: 'host' });
    const bundle = await ProbeBundle.start([socketinfoProbe as never], ['socketinfo'], {
      graph,
      root,
      hostID: 'h',
      logger: pino({ level: 'silent' }),
    });
    try {
      const mine = () =>
        ((root.metadata['Sockets'] as SocketInfo[] | undefined) ?? []).find(
          (s) => s.LocalPort === port && s.State === 'LISTEN',
        );
      for (let i = 0; i < 400 && !mine(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(mine()?.Pid, process.pid);
      assert.equal(mine()?.Process, process.execPath);
      assert.equal(mine()?.LocalAddress, '127.0.0.1');
    } finally {
      await bundle.stop();
      server.close();
    }
  });
});
