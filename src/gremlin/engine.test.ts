// SPDX-License-Identifier: Apache-2.0
// Tests of the engine: step resolution, fusion, extensions and custom values, limits, and errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError, QueryExecutionError, QuerySyntaxError } from '../graph/errors.js';
import { Graph } from '../graph/graph.js';
import type { ExecContext } from './context.js';
import { GremlinEngine } from './engine.js';
import { toJSON } from './json.js';
import type { Step, StepExtension, StepSpec } from './step.js';
import { BaseStep, applyToCustom } from './step.js';
import { buildFixtureGraph, fixtureNodes } from './testing/fixture.js';
import { ids, num } from './testing/helpers.js';
import type { CustomValue, TraversalValue } from './values.js';

describe('#GremlinEngine.parse', () => {
  it('resolves step names case-insensitively to canonical names', () => {
    const q = new GremlinEngine().parse(
      "g.v().HAS('Name', 'x').out().shortestpathto(metadata('a', 1)).count()",
    );
    assert.deepEqual(
      q.steps.map((s) => s.name),
      ['V', 'Out', 'ShortestPathTo', 'Count'],
    );
    assert.deepEqual(
      q.ast.steps.map((s) => s.name),
      ['v', 'HAS', 'out', 'shortestpathto', 'count'],
    );
  });

  it('rejects unknown steps with their position', () => {
    assert.throws(
      () => new GremlinEngine().parse("G.V().Has('a', 'b').Foo()"),
      (e: unknown) =>
        e instanceof QuerySyntaxError &&
        e.position === 20 &&
        /Expected step function, got: Foo/.test(e.message),
    );
  });

  it('rejects topology steps when they are disabled', () => {
    assert.throws(
      () => new GremlinEngine({ topologySteps: false }).parse('G.V().Descendants()'),
      QuerySyntaxError,
    );
    assert.equal(new GremlinEngine().hasStep('neighbors'), true);
  });

  it('fuses Has, Range and Count into the step before them', () => {
    const e = new GremlinEngine();
    assert.equal(
      e.parse(
        "G.V().Has('a', 'b').HasKey('c').HasEither('d', 1, 'e', 2).HasNot('f').Limit(5).Count()",
      ).steps.length,
      1,
    );
    assert.equal(e.parse("G.V().Limit(5).Has('a', 'b')").steps.length, 2);
    assert.equal(e.parse('G.V().Limit(5).Limit(2)').steps.length, 2);
    assert.equal(e.parse("G.V().Count().Has('a')").steps.length, 2);
    assert.equal(
      e.parse("G.V().Out().Has('a', 'b').OutE('x', 'y').Has('c').InV()").steps.length,
      4,
    );
  });

  it('parses a query once for many executions', async () => {
    const e = new GremlinEngine();
    const q = e.parse("G.V().Has('Type', 'netns').Count()");
    assert.equal(num(await e.execute(q, buildFixtureGraph())), 2);
    assert.equal(num(await e.execute(q, new Graph())), 0);
  });
});

describe('#GremlinEngine.execute errors', () => {
  it('names the step and its position when the input kind is wrong', async () => {
    await assert.rejects(
      new GremlinEngine().execute('G.V().Count().Out()', buildFixtureGraph()),
      (e: unknown) => {
        assert.ok(e instanceof QueryExecutionError);
        assert.equal(e.code, 'SKY_ERR_QUERY_INVALID_STEP_INPUT');
        assert.equal(e.position, 14);
        assert.match(e.message, /'Out' on a number/);
        return true;
      },
    );
  });

  it('throws syntax errors for a string query', async () => {
    await assert.rejects(new GremlinEngine().execute('G.V(', new Graph()), QuerySyntaxError);
  });
});

describe('limits', () => {
  it('SKY_ERR_QUERY_TOO_LARGE when a step produces more than maxResults elements', async () => {
    const e = new GremlinEngine({ limits: { maxResults: 10 } });
    const g = buildFixtureGraph();
    await assert.rejects(e.execute('G.V()', g), (err: unknown) => {
      assert.ok(err instanceof QueryExecutionError);
      assert.equal(err.code, 'SKY_ERR_QUERY_TOO_LARGE');
      assert.equal(err.position, 2);
      return true;
    });
    await assert.rejects(e.execute("G.V('hostA').Descendants(0)", g), {
      code: 'SKY_ERR_QUERY_TOO_LARGE',
    });
    await assert.rejects(e.execute('G.V().SubGraph()', g), { code: 'SKY_ERR_QUERY_TOO_LARGE' });
    assert.equal(
      num(await e.execute('G.V().Count()', g)),
      fixtureNodes.length,
      'a fused count stores nothing',
    );
    assert.equal(ids(await e.execute('G.V().Limit(10)', g)).length, 10);
  });

  it('per-call limits override the engine ones', async () => {
    const e = new GremlinEngine({ limits: { maxResults: 1 } });
    assert.equal(
      ids(await e.execute('G.V()', buildFixtureGraph(), { limits: {} })).length,
      fixtureNodes.length,
    );
  });

  it('SKY_ERR_QUERY_TIMEOUT while scanning elements', async () => {
    const g = new Graph();
    for (let i = 0; i < 3000; i++) g.newNode({ Name: `n${i}` });
    let t = 0;
    const e = new GremlinEngine({ limits: { timeoutMs: 1 }, clock: () => t++ });
    await assert.rejects(e.execute("G.V().Has('Nope', 1)", g), (err: unknown) => {
      assert.ok(err instanceof QueryExecutionError);
      assert.equal(err.code, 'SKY_ERR_QUERY_TIMEOUT');
      return true;
    });
  });

  it('SKY_ERR_QUERY_TIMEOUT between steps', async () => {
    let t = 0;
    const e = new GremlinEngine({ limits: { timeoutMs: 5 }, clock: () => (t += 10) });
    await assert.rejects(e.execute('G.V()', buildFixtureGraph()), {
      code: 'SKY_ERR_QUERY_TIMEOUT',
    });
  });
});

// A toy "Flows" extension: a custom value that handles Has and Count itself, like Skydive's flows.
interface Flow {
  id: string;
  proto: string;
}

function flowsValue(flows: Flow[]): CustomValue {
  return {
    kind: 'custom',
    type: 'flows',
    toJSON: () => flows,
    applyStep(step: Step): TraversalValue | undefined {
      if (step.name === 'Has') {
        const [k, v] = step.params;
        return flowsValue(flows.filter((f) => f[k as keyof Flow] === v));
      }
      if (step.name === 'Limit') return flowsValue(flows.slice(0, step.params[0] as number));
      if (step.name === 'Count') return { kind: 'number', value: flows.length };
      return undefined;
    },
  };
}

class FlowsStep extends BaseStep {
  async exec(input: TraversalValue, ctx: ExecContext): Promise<TraversalValue> {
    if (input.kind !== 'nodes' && input.kind !== 'graph') return applyToCustom(this, input, ctx);
    await Promise.resolve();
    return flowsValue([
      { id: 'f1', proto: 'TCP' },
      { id: 'f2', proto: 'UDP' },
      { id: 'f3', proto: 'TCP' },
    ]);
  }
}

const flowsExt: StepExtension = {
  name: 'Flows',
  aliases: ['Flux'],
  parse: (spec: StepSpec) => new FlowsStep(spec),
};

describe('extensions', () => {
  it('plug a step in, with aliases, and see core steps on their values', async () => {
    const e = new GremlinEngine({ extensions: [flowsExt] });
    const g = buildFixtureGraph();
    assert.deepEqual(toJSON(await e.execute("G.Flows().Has('proto', 'TCP')", g)), [
      { id: 'f1', proto: 'TCP' },
      { id: 'f3', proto: 'TCP' },
    ]);
    assert.equal(num(await e.execute("G.V().flux().Has('proto', 'TCP').Count()", g)), 2);
    assert.deepEqual(toJSON(await e.execute("G.Flows().Has('proto', 'TCP').Limit(1)", g)), [
      { id: 'f1', proto: 'TCP' },
    ]);
  });

  it('core steps the value does not handle fail with a type error', async () => {
    const e = new GremlinEngine({ extensions: [flowsExt] });
    await assert.rejects(e.execute('G.Flows().Out()', buildFixtureGraph()), (err: unknown) => {
      assert.equal((err as QueryExecutionError).code, 'SKY_ERR_QUERY_INVALID_STEP_INPUT');
      assert.match((err as Error).message, /'Out' on flows/);
      return true;
    });
    await assert.rejects(e.execute("G.Flows().Values('x')", buildFixtureGraph()), {
      code: 'SKY_ERR_QUERY_INVALID_STEP_INPUT',
    });
  });

  it('refuses names already taken or malformed', () => {
    const e = new GremlinEngine({ extensions: [flowsExt] });
    for (const name of ['Flows', 'flux', 'Out', 'descendants', '1x', 'a-b']) {
      assert.throws(
        () => e.register({ name, parse: (s) => new FlowsStep(s) }),
        (err: unknown) =>
          err instanceof InvalidArgumentError && err.code === 'SKY_ERR_GREMLIN_STEP_CONFLICT',
        name,
      );
    }
  });
});
