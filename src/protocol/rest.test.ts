// SPDX-License-Identifier: Apache-2.0
// Tests of the REST body schemas: accepted and rejected samples for each, checked with the compiled
// TypeBox validator the REST layer uses.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import {
  APIInfoSchema,
  AgentStatusSchema,
  AnalyzerStatusSchema,
  ConnStatusSchema,
  EdgeRuleSchema,
  ErrorBodySchema,
  JsonPatchSchema,
  LoginReplySchema,
  NodeRuleSchema,
  TopologyParamsSchema,
} from './index.js';

function check(schema: TSchema, value: unknown): boolean {
  return TypeCompiler.Compile(schema).Check(value);
}

const conn = {
  ServiceType: 'agent',
  ClientProtocol: 'protobuf',
  Addr: '127.0.0.1',
  Port: 41000,
  IsConnected: true,
  ConnectTime: '2024-01-01T00:00:00Z',
};

describe('REST schemas', () => {
  it('TopologyParams', () => {
    assert.ok(check(TopologyParamsSchema, { GremlinQuery: 'G.V()' }));
    assert.ok(!check(TopologyParamsSchema, {}));
    assert.ok(!check(TopologyParamsSchema, { GremlinQuery: 1 }));
  });

  it('APIInfo', () => {
    assert.ok(check(APIInfoSchema, { Host: 'h', Version: '0.1.0', Service: 'analyzer' }));
    assert.ok(!check(APIInfoSchema, { Host: 'h', Version: '0.1.0' }));
  });

  it('ConnStatus with optional remote fields', () => {
    assert.ok(check(ConnStatusSchema, conn));
    assert.ok(check(ConnStatusSchema, { ...conn, RemoteHost: 'r', RemoteServiceType: 'analyzer' }));
    assert.ok(!check(ConnStatusSchema, { ...conn, Port: '1' }));
  });

  it('AnalyzerStatus and AgentStatus', () => {
    const analyzer = {
      Agents: { node1: conn },
      Peers: { Incomers: {}, Outgoers: {} },
      Publishers: {},
      Subscribers: {},
      Alerts: { IsMaster: true },
      Captures: { IsMaster: true },
      Probes: { fabric: { State: 'running' } },
    };
    assert.ok(check(AnalyzerStatusSchema, analyzer));
    assert.ok(!check(AnalyzerStatusSchema, { ...analyzer, Alerts: {} }));
    const agent = {
      Clients: {},
      Analyzers: { a1: { ...conn, IsMaster: true } },
      TopologyProbes: {},
      FlowProbes: ['gopacket'],
    };
    assert.ok(check(AgentStatusSchema, agent));
    assert.ok(!check(AgentStatusSchema, { ...agent, Analyzers: { a1: conn } }));
  });

  it('LoginReply', () => {
    assert.ok(
      check(LoginReplySchema, {
        Token: 't',
        Permissions: [{ Object: 'capture', Action: 'write', Allowed: true }],
      }),
    );
    assert.ok(!check(LoginReplySchema, { Token: 't', Permissions: [{ Object: 'capture' }] }));
  });

  it('NodeRule', () => {
    assert.ok(check(NodeRuleSchema, { Metadata: { Name: 'n', Type: 't' }, Action: 'create' }));
    assert.ok(
      check(NodeRuleSchema, {
        UUID: 'u',
        Name: 'r',
        Description: 'd',
        Metadata: {},
        Action: 'update',
        Query: 'G.V()',
      }),
    );
    assert.ok(!check(NodeRuleSchema, { Metadata: {}, Action: 'delete' }));
    assert.ok(!check(NodeRuleSchema, { Action: 'create' }));
  });

  it('EdgeRule', () => {
    const rule = { Src: 'G.V(1)', Dst: 'G.V(2)', Metadata: { RelationType: 'layer2' } };
    assert.ok(check(EdgeRuleSchema, rule));
    assert.ok(!check(EdgeRuleSchema, { ...rule, Metadata: {} }));
    assert.ok(!check(EdgeRuleSchema, { ...rule, Src: undefined }));
  });

  it('ErrorBody', () => {
    assert.ok(
      check(ErrorBodySchema, {
        statusCode: 404,
        code: 'SKY_ERR_NODE_NOT_FOUND',
        error: 'Not Found',
        message: 'x',
      }),
    );
    assert.ok(!check(ErrorBodySchema, { statusCode: 404, error: 'Not Found', message: 'x' }));
  });

  it('JSON Patch', () => {
    assert.ok(
      check(JsonPatchSchema, [
        { op: 'add', path: '/Metadata/foo', value: 'bar' },
        { op: 'remove', path: '/Metadata/baz' },
        { op: 'replace', path: '/Metadata/x', value: null },
        { op: 'move', from: '/Metadata/a', path: '/Metadata/b' },
        { op: 'copy', from: '/Metadata/a', path: '/Metadata/c' },
        { op: 'test', path: '/Metadata/a', value: 1 },
      ]),
    );
    assert.ok(!check(JsonPatchSchema, [{ op: 'add', path: '/Metadata/foo' }]));
    assert.ok(!check(JsonPatchSchema, [{ op: 'move', path: '/a' }]));
    assert.ok(!check(JsonPatchSchema, [{ op: 'merge', path: '/a', value: 1 }]));
    assert.ok(!check(JsonPatchSchema, { op: 'add', path: '/a', value: 1 }));
  });
});
