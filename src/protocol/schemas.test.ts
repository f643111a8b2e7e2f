// SPDX-License-Identifier: Apache-2.0
// Tests of the node/edge schemas and validators: Skydive's rules (netns needs Path, ovsport needs
// UUID, edges need RelationType), error codes and paths, normalisation and graph validation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  EdgeSchema,
  ElementValidationError,
  NodeSchema,
  edgeToJSON,
  nodeToJSON,
  validateEdge,
  validateGraph,
  validateNode,
} from './index.js';
import type { Edge, Node } from '../graph/types.js';

const node = { ID: 'n1', Metadata: { Name: 'eth0', Type: 'device' } };
const edge = { ID: 'e1', Parent: 'n1', Child: 'n2', Metadata: { RelationType: 'ownership' } };

function rejects(code: string, path: string, fragment: string) {
  return (err: unknown) => {
    assert.ok(err instanceof ElementValidationError);
    assert.equal(err.code, code);
    assert.equal(err.kind, 'invalid_argument');
    assert.equal(err.path, path);
    assert.match(err.message, new RegExp(fragment));
    return true;
  };
}

describe('#validateNode', () => {
  it('normalises a minimal node', () => {
    assert.deepEqual(validateNode(node), {
      ID: 'n1',
      Metadata: { Name: 'eth0', Type: 'device' },
      Host: '',
      Origin: '',
      CreatedAt: null,
      UpdatedAt: null,
      DeletedAt: null,
      Revision: 0,
    });
  });

  it('fills missing, null and zero times with now when given', () => {
    const out = validateNode({ ...node, CreatedAt: 0, UpdatedAt: null }, { now: 1000 });
    assert.equal(out.CreatedAt, 1000);
    assert.equal(out.UpdatedAt, 1000);
    assert.equal(out.DeletedAt, null);
    assert.equal(validateNode({ ...node, CreatedAt: 5 }, { now: 1000 }).CreatedAt, 5);
  });

  it('keeps every header field and drops unknown top-level keys', () => {
    const full = {
      ...node,
      Host: 'h',
      Origin: 'agent.h',
      CreatedAt: 1,
      UpdatedAt: 2,
      DeletedAt: 3,
      Revision: 4,
      Extra: true,
    };
    const { Extra: _extra, ...expected } = full;
    assert.deepEqual(validateNode(full), expected);
  });

  it('accepts null Host and Origin', () => {
    const out = validateNode({ ...node, Host: null, Origin: null });
    assert.equal(out.Host, '');
    assert.equal(out.Origin, '');
  });

  it('requires a non-empty ID', () => {
    assert.throws(
      () => validateNode({ Metadata: node.Metadata }),
      rejects('SKY_ERR_INVALID_NODE', 'ID', '^invalid node: ID: must be a non-empty string$'),
    );
    assert.throws(
      () => validateNode({ ...node, ID: '' }),
      rejects('SKY_ERR_INVALID_NODE', 'ID', 'got ""'),
    );
    assert.throws(
      () => validateNode({ ...node, ID: 7 }),
      rejects('SKY_ERR_INVALID_NODE', 'ID', 'got 7'),
    );
  });

  it('requires Metadata to be an object', () => {
    assert.throws(
      () => validateNode({ ID: 'x' }),
      rejects('SKY_ERR_INVALID_NODE', 'Metadata', 'must be an object'),
    );
    assert.throws(
      () => validateNode({ ID: 'x', Metadata: [] }),
      rejects('SKY_ERR_INVALID_NODE', 'Metadata', 'got an array'),
    );
  });

  it('requires Metadata.Type and Metadata.Name', () => {
    assert.throws(
      () => validateNode({ ID: 'x', Metadata: { Type: 'device' } }),
      rejects('SKY_ERR_INVALID_NODE', 'Metadata.Name', 'Metadata.Name: must be a non-empty string'),
    );
    assert.throws(
      () => validateNode({ ID: 'x', Metadata: { Name: 'a', Type: '' } }),
      rejects('SKY_ERR_INVALID_NODE', 'Metadata.Type', 'non-empty'),
    );
    assert.throws(
      () => validateNode({ ID: 'x', Metadata: { Name: 1, Type: 'a' } }),
      rejects('SKY_ERR_INVALID_NODE', 'Metadata.Name', 'got 1'),
    );
  });

  it('requires Path on netns and UUID on ovsport', () => {
    assert.throws(
      () => validateNode({ ID: 'x', Metadata: { Name: 'ns', Type: 'netns' } }),
      rejects('SKY_ERR_INVALID_NODE', 'Metadata.Path', 'for Type "netns"'),
    );
    assert.throws(
      () => validateNode({ ID: 'x', Metadata: { Name: 'p', Type: 'ovsport', UUID: 3 } }),
      rejects('SKY_ERR_INVALID_NODE', 'Metadata.UUID', 'got 3'),
    );
    assert.equal(
      validateNode({ ID: 'x', Metadata: { Name: 'ns', Type: 'netns', Path: '/var/run/netns/ns' } })
        .ID,
      'x',
    );
    assert.equal(
      validateNode({ ID: 'x', Metadata: { Name: 'p', Type: 'ovsport', UUID: '' } }).ID,
      'x',
    );
  });

  it('checks header field types', () => {
    assert.throws(
      () => validateNode({ ...node, Host: 1 }),
      rejects('SKY_ERR_INVALID_NODE', 'Host', 'string or null'),
    );
    assert.throws(
      () => validateNode({ ...node, CreatedAt: 1.5 }),
      rejects('SKY_ERR_INVALID_NODE', 'CreatedAt', 'integer or null, got 1.5'),
    );
    assert.throws(
      () => validateNode({ ...node, DeletedAt: '1' }),
      rejects('SKY_ERR_INVALID_NODE', 'DeletedAt', 'integer'),
    );
    assert.throws(
      () => validateNode({ ...node, Revision: null }),
      rejects('SKY_ERR_INVALID_NODE', 'Revision', 'must be an integer'),
    );
  });

  it('rejects a non-object', () => {
    assert.throws(
      () => validateNode('x'),
      rejects('SKY_ERR_INVALID_NODE', '(root)', 'must be an object'),
    );
    assert.throws(() => validateNode(null), rejects('SKY_ERR_INVALID_NODE', '(root)', 'got null'));
  });

  it('prefixes the path when asked', () => {
    assert.throws(
      () => validateNode({ ID: 'x', Metadata: {} }, { path: 'Nodes[2]' }),
      rejects('SKY_ERR_INVALID_NODE', 'Nodes[2].Metadata.Type', 'Nodes\\[2\\]\\.Metadata\\.Type'),
    );
  });
});

describe('#validateEdge', () => {
  it('normalises a minimal edge', () => {
    const out = validateEdge(edge);
    assert.equal(out.Parent, 'n1');
    assert.equal(out.Child, 'n2');
    assert.equal(out.Host, '');
    assert.equal(out.Revision, 0);
  });

  it('requires Parent, Child and Metadata.RelationType', () => {
    assert.throws(
      () => validateEdge({ ...edge, Parent: '' }),
      rejects('SKY_ERR_INVALID_EDGE', 'Parent', 'non-empty'),
    );
    assert.throws(
      () => validateEdge({ ...edge, Child: undefined }),
      rejects('SKY_ERR_INVALID_EDGE', 'Child', 'non-empty'),
    );
    assert.throws(
      () => validateEdge({ ...edge, Metadata: {} }),
      rejects(
        'SKY_ERR_INVALID_EDGE',
        'Metadata.RelationType',
        '^invalid edge: Metadata.RelationType: must be a non-empty string$',
      ),
    );
    assert.throws(
      () => validateEdge({ ...edge, ID: '' }),
      rejects('SKY_ERR_INVALID_EDGE', 'ID', 'non-empty'),
    );
  });
});

describe('#validateGraph', () => {
  it('accepts null lists', () => {
    assert.deepEqual(validateGraph({ Nodes: null, Edges: null }), { Nodes: [], Edges: [] });
    assert.deepEqual(validateGraph({}), { Nodes: [], Edges: [] });
  });

  it('validates every element and reports its index', () => {
    const g = validateGraph({ Nodes: [node], Edges: [edge] }, { now: 9 });
    assert.equal(g.Nodes[0]?.CreatedAt, 9);
    assert.throws(
      () => validateGraph({ Nodes: [node, { ID: 'b', Metadata: { Type: 't' } }] }),
      rejects('SKY_ERR_INVALID_NODE', 'Nodes[1].Metadata.Name', ''),
    );
    assert.throws(
      () => validateGraph({ Edges: [edge, edge, { ...edge, Metadata: { RelationType: 1 } }] }),
      rejects('SKY_ERR_INVALID_EDGE', 'Edges[2].Metadata.RelationType', 'got 1'),
    );
    assert.throws(
      () => validateGraph({ Nodes: {} }),
      rejects('SKY_ERR_INVALID_NODE', 'Nodes', 'array or null'),
    );
    assert.throws(() => validateGraph([]), rejects('SKY_ERR_INVALID_NODE', '(root)', 'object'));
  });
});

describe('schemas agree with the explicit rules', () => {
  const nodeCheck = TypeCompiler.Compile(NodeSchema);
  const edgeCheck = TypeCompiler.Compile(EdgeSchema);
  const nodes: [unknown, boolean][] = [
    [node, true],
    [{ ...node, Metadata: { Name: 'a', Type: 'netns', Path: '' } }, true],
    [{ ...node, Metadata: { Name: 'a', Type: 'netns' } }, false],
    [{ ...node, Metadata: { Name: 'a', Type: 'ovsport' } }, false],
    [{ ...node, Metadata: { Name: '', Type: 'device' } }, false],
    [{ ...node, Revision: 1.5 }, false],
  ];
  for (const [value, ok] of nodes) {
    it(`node ${JSON.stringify(value)} → ${ok}`, () => {
      assert.equal(nodeCheck.Check(value), ok);
      if (ok) validateNode(value);
      else assert.throws(() => validateNode(value), ElementValidationError);
    });
  }
  it('edge schema', () => {
    assert.equal(edgeCheck.Check(edge), true);
    assert.equal(edgeCheck.Check({ ...edge, Metadata: { RelationType: '' } }), false);
  });
});

describe('#nodeToJSON / #edgeToJSON', () => {
  const base = {
    metadata: { Name: 'eth0', Type: 'device' },
    host: 'h',
    origin: 'agent.h',
    createdAt: 10,
    updatedAt: 20,
    deletedAt: undefined,
    revision: 2,
  };
  it('writes Skydive keys in order with DeletedAt null while alive', () => {
    const n: Node = { kind: 'node', id: 'n1', ...base };
    assert.equal(
      JSON.stringify(nodeToJSON(n)),
      '{"ID":"n1","Metadata":{"Name":"eth0","Type":"device"},"Host":"h","Origin":"agent.h","CreatedAt":10,"UpdatedAt":20,"DeletedAt":null,"Revision":2}',
    );
    assert.equal(validateNode(nodeToJSON(n)).ID, 'n1');
  });

  it('adds Parent and Child to edges and maps zero times to null', () => {
    const e: Edge = {
      kind: 'edge',
      id: 'e1',
      parent: 'a',
      child: 'b',
      ...base,
      metadata: { RelationType: 'layer2' },
      createdAt: 0,
      deletedAt: 30,
    };
    const json = edgeToJSON(e);
    assert.deepEqual(Object.keys(json), [
      'ID',
      'Metadata',
      'Host',
      'Origin',
      'CreatedAt',
      'UpdatedAt',
      'DeletedAt',
      'Revision',
      'Parent',
      'Child',
    ]);
    assert.equal(json.CreatedAt, null);
    assert.equal(json.DeletedAt, 30);
  });
});
