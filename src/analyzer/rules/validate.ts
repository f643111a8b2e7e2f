// SPDX-License-Identifier: Apache-2.0
// Checks and normalises rule bodies (JSON or YAML) the way Skydive's Validate() does, with all keys
// present on output as Go emits them, and reports what a duplicate of a rule is.
import { InvalidArgumentError, genID, deepEqual, type Metadata } from '../../graph/index.js';
import { ElementValidationError, validateNode } from '../../protocol/index.js';
import type { EdgeRule, NodeRule, RuleQueries } from './types.js';

const ERR = 'SKY_ERR_INVALID_RULE';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string')
    throw new InvalidArgumentError(ERR, `invalid ${what}: ${key} must be a string`);
  return v;
}

function metadata(o: Obj, what: string): Metadata {
  const md = o['Metadata'];
  if (!isObj(md))
    throw new InvalidArgumentError(ERR, `invalid ${what}: Metadata must be an object`);
  return structuredClone(md);
}

function query(q: string, key: string, what: string, queries: RuleQueries): void {
  try {
    queries.check(q);
  } catch (err) {
    throw new InvalidArgumentError(ERR, `invalid ${what}: ${key}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Validates a node rule body and returns it without UUID. Create rules must describe a valid node
 * (Type and Name…); update rules need a Query and may not set Name or Type.
 * @throws InvalidArgumentError SKY_ERR_INVALID_RULE
 */
export function validateNodeRule(body: unknown, queries: RuleQueries): Omit<NodeRule, 'UUID'> {
  const what = 'node rule';
  if (!isObj(body)) throw new InvalidArgumentError(ERR, `invalid ${what}: body must be an object`);
  const action = body['Action'];
  if (action !== 'create' && action !== 'update')
    throw new InvalidArgumentError(ERR, `invalid ${what}: Action must be "create" or "update"`);
  const rule = {
    Name: str(body, 'Name', what),
    Description: str(body, 'Description', what),
    Metadata: metadata(body, what),
    Action: action,
    Query: str(body, 'Query', what),
  } satisfies Omit<NodeRule, 'UUID'>;
  if (action === 'create') {
    try {
      validateNode({ ID: 'rule', Metadata: rule.Metadata });
    } catch (err) {
      if (!(err instanceof ElementValidationError)) throw err;
      throw new InvalidArgumentError(
        ERR,
        `invalid ${what}: ${err.message.replace(/^invalid node: /, '')}`,
      );
    }
  } else {
    if (rule.Query === '')
      throw new InvalidArgumentError(ERR, `invalid ${what}: Query is required for update`);
    if ('Name' in rule.Metadata || 'Type' in rule.Metadata)
      throw new InvalidArgumentError(
        ERR,
        `invalid ${what}: Name and Type fields can not be changed`,
      );
    if (Object.keys(rule.Metadata).length === 0)
      throw new InvalidArgumentError(ERR, `invalid ${what}: Metadata is empty`);
  }
  if (rule.Query !== '') query(rule.Query, 'Query', what, queries);
  return rule;
}

/**
 * Validates an edge rule body: Src and Dst Gremlin queries, Metadata with a RelationType.
 * @throws InvalidArgumentError SKY_ERR_INVALID_RULE
 */
export function validateEdgeRule(body: unknown, queries: RuleQueries): Omit<EdgeRule, 'UUID'> {
  const what = 'edge rule';
  if (!isObj(body)) throw new InvalidArgumentError(ERR, `invalid ${what}: body must be an object`);
  const md = metadata(body, what);
  const rt = md['RelationType'];
  if (typeof rt !== 'string' || rt === '')
    throw new InvalidArgumentError(
      ERR,
      `invalid ${what}: Metadata.RelationType must be a non-empty string`,
    );
  const rule = {
    Name: str(body, 'Name', what),
    Description: str(body, 'Description', what),
    Src: str(body, 'Src', what),
    Dst: str(body, 'Dst', what),
    Metadata: { ...md, RelationType: rt },
  };
  for (const k of ['Src', 'Dst'] as const) {
    if (rule[k] === '') throw new InvalidArgumentError(ERR, `invalid ${what}: ${k} is required`);
    query(rule[k], k, what, queries);
  }
  return rule;
}

/** The ID of the node a create rule makes: GenID(Type, Name). */
export function nodeRuleNodeID(rule: Pick<NodeRule, 'Metadata'>): string {
  return genID(String(rule.Metadata['Type']), String(rule.Metadata['Name']));
}

/** True when two node rules would fight over the same thing (same node, or same query and data). */
export function sameNodeRule(a: Omit<NodeRule, 'UUID'>, b: Omit<NodeRule, 'UUID'>): boolean {
  if (a.Action !== b.Action) return false;
  if (a.Action === 'create') return nodeRuleNodeID(a) === nodeRuleNodeID(b);
  return a.Query === b.Query && deepEqual(a.Metadata, b.Metadata);
}

/** True when two edge rules describe the same edge. */
export function sameEdgeRule(a: Omit<EdgeRule, 'UUID'>, b: Omit<EdgeRule, 'UUID'>): boolean {
  return a.Src === b.Src && a.Dst === b.Dst && a.Metadata.RelationType === b.Metadata.RelationType;
}
