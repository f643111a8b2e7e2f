// SPDX-License-Identifier: Apache-2.0
// End to end (root): a real analyzer in this process and a real `bin/skydive agent` child reporting
// to it; namespaces and veth pairs the test creates are followed on the analyzer through changes,
// deletion, agent and analyzer restarts, and a `kill -9` of the agent.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import type { Node } from '../../src/graph/index.js';
import { settle, SUITE } from '../integration/agent-kit.js';
import { startTestAnalyzer, suiteTeardown, type TestAnalyzer } from '../integration/helpers.js';
import { Scratch, View, isRoot, sh } from './helpers/netns.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hostID = `sktest-ag-${randomBytes(3).toString('hex')}`;
const origin = `agent.${hostID}`;

/** A `bin/skydive agent` child reporting to `analyzer`; its stderr tail kept for diagnostics. */
class AgentProcess {
  readonly child: ChildProcess;
  private tail = '';
  readonly exited: Promise<void>;

  constructor(analyzer: string) {
    this.child = spawn(
      path.join(root, 'bin/skydive'),
      ['agent', '--host-id', hostID, '--listen', '127.0.0.1:0'],
      {
        cwd: root,
        env: { ...process.env, SKYDIVE_ANALYZERS: analyzer, SKYDIVE_LOGGING_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    this.child.stderr?.on('data', (b: Buffer) => {
      this.tail = (this.tail + b.toString('utf8')).slice(-4000);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the agent wrote on stderr lately. */
  stderr(): string {
    return this.tail;
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.exited;
  }
}

/** The analyzer's copy of the agent's subgraph, read through the probes' View. */
function viewOf(an: TestAnalyzer): View {
  return new View(an.context.graph);
}

function originNodes(an: TestAnalyzer): Node[] {
  return [...an.context.graph.nodes()].filter((n) => n.origin === origin);
}

function hostNode(an: TestAnalyzer): Node | undefined {
  return originNodes(an).find((n) => n.metadata['Type'] === 'host');
}

describe('agent end to end (system)', { skip: !isRoot && 'needs root', ...SUITE }, () => {
  const t = suiteTeardown();
  const s = new Scratch();
  const agents: AgentProcess[] = [];
  let an: TestAnalyzer;
  let agent: AgentProcess;
  let nsA: string;
  let nsB: string;

  const startAgentProcess = (): AgentProcess => {
    const a = new AgentProcess(an.address);
    agents.push(a);
    return a;
  };
  const killAll = () => {
    for (const a of agents) if (a.running) a.child.kill('SIGKILL');
  };

  /** Waits for the veth va/vb across nsA/nsB on the analyzer; returns the four nodes. */
  const vethOnAnalyzer = (what: string) =>
    settle(() => {
      const v = viewOf(an);
      const a = v.netns(nsA);
      const b = v.netns(nsB);
      const va = v.iface(a, 'va');
      const vb = v.iface(b, 'vb');
      assert.ok(
        a && b && va && vb && v.layer2(va, vb),
        `${what}: veth va/vb with its namespaces and layer2 edge on the analyzer (agent stderr: ${agent.stderr()})`,
      );
      return { a: a!, b: b!, va: va!, vb: vb! };
    });

  before(async () => {
    // teardown registered before anything is created; runs in reverse order
    t.after(() => s.assertClean());
    t.after(() => s.cleanup());
    t.after(async () => {
      killAll();
      await Promise.all(agents.map((a) => a.exited));
    });
    process.once('exit', killAll);
    an = await startTestAnalyzer(t, { logs: 'silent' });
    nsA = s.netns('a');
    nsB = s.netns('b');
    agent = startAgentProcess();
  });

  it('shows a veth pair across two new namespaces, with its netns nodes and layer2 edge', async () => {
    sh(`ip -n ${nsA} link add va type veth peer name vb netns ${nsB}`);
    const { a, b, va, vb } = await vethOnAnalyzer('created');
    assert.equal(a.origin, origin);
    assert.equal(va.origin, origin);
    assert.equal(va.metadata['Type'], 'veth');
    assert.equal(vb.metadata['Type'], 'veth');
    assert.equal(b.metadata['Type'], 'netns');
    assert.ok(hostNode(an), 'host node of the agent on the analyzer');
  });

  it('propagates an MTU change', async () => {
    sh(`ip -n ${nsA} link set va mtu 1400`);
    await settle(() => {
      const v = viewOf(an);
      const va = v.iface(v.netns(nsA), 'va');
      assert.ok(
        va?.metadata['MTU'] === 1400,
        `va MTU 1400 on the analyzer (${va?.metadata['MTU']})`,
      );
    });
  });

  it('removes a deleted link', async () => {
    sh(`ip -n ${nsA} link add vc type veth peer name vd netns ${nsB}`);
    await settle(() => {
      const v = viewOf(an);
      assert.ok(v.iface(v.netns(nsA), 'vc'), 'vc on the analyzer');
      assert.ok(v.iface(v.netns(nsB), 'vd'), 'vd on the analyzer');
    });
    sh(`ip -n ${nsA} link del vc`);
    await settle(() => {
      const v = viewOf(an);
      assert.ok(!v.iface(v.netns(nsA), 'vc'), 'vc gone from the analyzer');
      assert.ok(!v.iface(v.netns(nsB), 'vd'), 'vd gone from the analyzer');
      const named = originNodes(an).filter((n) =>
        ['vc', 'vd'].includes(n.metadata['Name'] as string),
      );
      assert.ok(named.length === 0, `no vc/vd node left (${named.length})`);
    });
    // the other pair is untouched
    await vethOnAnalyzer('after deleting vc');
  });

  it('gives the same TIDs after an agent restart', async () => {
    const before = await vethOnAnalyzer('before agent restart');
    const lo = viewOf(an).iface(before.a, 'lo');
    const tids = {
      host: hostNode(an)?.metadata['TID'],
      a: before.a.metadata['TID'],
      b: before.b.metadata['TID'],
      va: before.va.metadata['TID'],
      vb: before.vb.metadata['TID'],
      lo: lo?.metadata['TID'],
    };
    for (const [k, v] of Object.entries(tids)) assert.equal(typeof v, 'string', `TID of ${k}`);
    await agent.stop('SIGTERM');
    await settle(() => {
      const n = originNodes(an).length;
      assert.ok(n === 0, `agent's subgraph gone after SIGTERM (${n} nodes left)`);
    });
    agent = startAgentProcess();
    const after = await vethOnAnalyzer('after agent restart');
    const loAfter = await settle(() => {
      const l = viewOf(an).iface(after.a, 'lo');
      assert.ok(l, 'lo of nsA back on the analyzer');
      return l!;
    });
    assert.deepEqual(
      {
        host: hostNode(an)?.metadata['TID'],
        a: after.a.metadata['TID'],
        b: after.b.metadata['TID'],
        va: after.va.metadata['TID'],
        vb: after.vb.metadata['TID'],
        lo: loAfter.metadata['TID'],
      },
      tids,
    );
  });

  it('resyncs everything to a restarted analyzer', async () => {
    await vethOnAnalyzer('before analyzer restart');
    const port = an.address.slice(an.address.lastIndexOf(':') + 1);
    const count = originNodes(an).length;
    await an.close();
    an = await startTestAnalyzer(t, {
      logs: 'silent',
      overrides: { 'analyzer.listen': `127.0.0.1:${port}` },
    });
    assert.equal(an.address, `127.0.0.1:${port}`);
    const { va } = await vethOnAnalyzer('after analyzer restart');
    assert.equal(va.metadata['MTU'], 1400);
    assert.ok(hostNode(an), 'host node back on the new analyzer');
    // the whole subgraph, not only the part looked at (namespaces of other processes may come and go)
    await settle(() => {
      const n = originNodes(an).length;
      assert.ok(n >= count - 5, `about as many nodes as before the restart (${n} vs ${count})`);
    });
  });

  it('drops the subgraph of an agent killed with -9', async () => {
    await vethOnAnalyzer('before kill -9');
    await agent.stop('SIGKILL');
    await settle(() => {
      const n = originNodes(an).length;
      assert.ok(n === 0, `agent's subgraph gone after kill -9 (${n} nodes left)`);
      const e = [...an.context.graph.edges()].filter((x) => x.origin === origin).length;
      assert.ok(e === 0, `agent's edges gone after kill -9 (${e} left)`);
    });
  });
});
