// SPDX-License-Identifier: Apache-2.0
// Which agents a live Flows() asks and with which filter (tableQueryPlan): the agents hosting the
// walked capture nodes, each with its own TIDs AND the pushed Has filter; unknown TIDs everywhere.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../graph/index.js';
import type { FlowFilter } from '../../protocol/flow.js';
import { tableQueryPlan } from './index.js';

const g = new Graph({ host: 'an', origin: 'an' });
g.newNode({ Name: 'a1', Type: 'veth', TID: 't-a1' }, { host: 'h1' });
g.newNode({ Name: 'a2', Type: 'veth', TID: 't-a2' }, { host: 'h1' });
g.newNode({ Name: 'b1', Type: 'veth', TID: 't-b1' }, { host: 'h2' });
const term = (v: string): FlowFilter => ({ TermStringFilter: { Key: 'NodeTID', Value: v } });
const has: FlowFilter = { GtInt64Filter: { Key: 'ICMP.ID', Value: 3 } };

describe('tableQueryPlan', () => {
  it('asks only the hosts of the nodes, each for its own TIDs', () => {
    const plan = tableQueryPlan(g, ['h1', 'h2', 'h3'], new Set(['t-a1', 't-a2']), undefined);
    assert.deepEqual([...plan.keys()], ['h1']);
    assert.deepEqual(plan.get('h1'), {
      BoolFilter: { Op: 0, Filters: [term('t-a1'), term('t-a2')] },
    });
  });

  it('ANDs the pushed Has filter; without nodes every agent gets it alone', () => {
    const plan = tableQueryPlan(g, ['h1', 'h2'], new Set(['t-b1']), has);
    assert.deepEqual([...plan], [['h2', { BoolFilter: { Op: 1, Filters: [term('t-b1'), has] } }]]);
    assert.deepEqual(
      [...tableQueryPlan(g, ['h1', 'h2'], undefined, has)],
      [
        ['h1', has],
        ['h2', has],
      ],
    );
    assert.deepEqual([...tableQueryPlan(g, ['h1'], undefined, undefined)], [['h1', undefined]]);
  });

  it('sends a TID found on no node to every agent', () => {
    const plan = tableQueryPlan(g, ['h1', 'h2'], new Set(['t-b1', 't-gone']), undefined);
    assert.deepEqual(plan.get('h1'), term('t-gone'));
    assert.deepEqual(plan.get('h2'), {
      BoolFilter: { Op: 0, Filters: [term('t-b1'), term('t-gone')] },
    });
  });
});
