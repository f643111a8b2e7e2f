// SPDX-License-Identifier: Apache-2.0
// System test of the socketinfo probe (root): a TCP listener started inside a test namespace
// shows on that namespace's node with its process, and one in this process on the host node.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { Graph, type Node } from '../../src/graph/index.js';
import { ProbeBundle } from '../../src/probes/bundle.js';
import { socketinfoProbe, type SocketInfo } from '../../src/probes/socketinfo/index.js';
import { isRoot, waitFor as poll } from './helpers/netns.js';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const sockets = (n: Node) => (n.metadata['Sockets'] as SocketInfo[] | undefined) ?? [];
const listener = (n: Node, port: number) =>
  sockets(n).find((s) => s.Protocol === 'TCP' && s.State === 'LISTEN' && s.LocalPort === port);

describe('socketinfo probe (system)', { skip: !isRoot && 'needs root' }, () => {
  const ns = `sktest-${randomBytes(3).toString('hex')}`;
  let child: ChildProcess | undefined;
  let server: Server | undefined;
  after(async () => {
    server?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill();
      await exited;
    }
    try {
      run('ip', ['netns', 'del', ns]);
    } catch {
      // not created
    }
    assert.ok(!run('ip', ['netns', 'list']).includes(ns), `${ns} left behind`);
  });

  it('puts a namespace listener on its netns node and a host listener on the host', async (t) => {
    run('ip', ['netns', 'add', ns]);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const nsPort = randomInt(20000, 30000);
    // `ip netns exec` execs the command, so the listener's PID is the child's.
    const script = `require('net').createServer().listen(${nsPort}, '127.0.0.1', () => console.log('up'))`;
    child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.once('data', () => resolve());
      child!.once('exit', (code) => reject(new Error(`listener exited with ${code}`)));
    });
    server = createServer();
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const hostPort = (server.address() as { port: number }).port;

    const graph = new Graph({ host: 'sktest-si', origin: 'agent.sktest-si' });
    const root = graph.newNode({ Name: 'sktest-si', Type: 'host' });
    const path = `/var/run/netns/${ns}`;
    const nsNode = graph.newNode({
      Name: ns,
      Type: 'netns',
      Path: path,
      Inode: statSync(path).ino,
    });
    graph.newEdge(root.id, nsNode.id, { RelationType: 'ownership' });
    const bundle = await ProbeBundle.start([socketinfoProbe as never], ['socketinfo'], {
      graph,
      root,
      hostID: 'sktest-si',
      logger: pino({ level: 'silent' }),
      options: { socketinfo: { host_update: 1 } },
    });
    t.after(() => bundle.stop());

    await poll(
      () => listener(nsNode, nsPort) !== undefined && listener(root, hostPort) !== undefined,
      'both listeners',
    );
    const node = realpathSync(process.execPath);
    assert.deepEqual(listener(nsNode, nsPort), {
      Process: node,
      Pid: child.pid,
      Name: 'node',
      LocalAddress: '127.0.0.1',
      LocalPort: nsPort,
      RemoteAddress: '0.0.0.0',
      RemotePort: 0,
      Protocol: 'TCP',
      State: 'LISTEN',
    });
    const mine = listener(root, hostPort);
    assert.equal(mine?.Pid, process.pid);
    assert.equal(mine?.Name, readFileSync('/proc/self/comm', 'utf8').trim());
    assert.ok(!sockets(root).some((s) => s.Pid === child!.pid), 'not on the host node');
    assert.equal(listener(nsNode, hostPort), undefined, 'not on the netns node');
  });
});
