// SPDX-License-Identifier: Apache-2.0
// Step parameter values as the parser produces them: scalars, predicates, Metadata(...) maps and
// the ASC/DESC/NOW/FOREVER keywords, with helpers steps use to validate them.
import { QuerySyntaxError } from '../graph/errors.js';

/** A literal parameter. Numbers keep JS semantics; `isInt` info lives on the token only. */
export type Scalar = string | number | boolean;

/** Predicate operators (skydive-compat §4.3). */
export type PredicateOp =
  | 'NE'
  | 'NEE'
  | 'LT'
  | 'GT'
  | 'LTE'
  | 'GTE'
  | 'INSIDE'
  | 'OUTSIDE'
  | 'BETWEEN'
  | 'WITHIN'
  | 'WITHOUT'
  | 'REGEX'
  | 'IPV4RANGE';

/** A predicate such as `GT(5)` or `WITHIN('a', 'b')`; `test` is the compiled single-value check. */
export interface PredicateParam {
  readonly type: 'predicate';
  readonly op: PredicateOp;
  readonly args: readonly Scalar[];
  readonly position: number;
}

/** `Metadata(k1, v1, k2, v2…)`, used by ShortestPathTo. */
export interface MetadataParam {
  readonly type: 'metadata';
  readonly entries: ReadonlyArray<readonly [string, Scalar | PredicateParam]>;
  readonly position: number;
}

/** `ASC` / `DESC`. */
export interface OrderParam {
  readonly type: 'order';
  readonly order: 'ASC' | 'DESC';
}

/** `NOW` / `FOREVER`, time constants of Context/At. */
export interface TimeKeywordParam {
  readonly type: 'time';
  readonly keyword: 'NOW' | 'FOREVER';
}

/** Any step parameter. */
export type Param = Scalar | PredicateParam | MetadataParam | OrderParam | TimeKeywordParam;

/** True for string, number and boolean parameters. */
export function isScalar(p: Param): p is Scalar {
  return typeof p !== 'object';
}

/** A short human form of a parameter for error messages. */
export function describeParam(p: Param): string {
  if (typeof p === 'string') return `'${p}'`;
  if (typeof p !== 'object') return String(p);
  switch (p.type) {
    case 'predicate':
      return `${p.op}(${p.args.map(describeParam).join(', ')})`;
    case 'metadata':
      return 'Metadata(...)';
    case 'order':
      return p.order;
    case 'time':
      return p.keyword;
  }
}

/** Where each parameter starts, for errors that point at one argument. */
export type ParamPositions = readonly number[];

/** Throws a syntax error at parameter `i` (or at `fallback` when its position is unknown). */
export function paramError(
  message: string,
  positions: ParamPositions,
  i: number,
  fallback: number,
): never {
  throw new QuerySyntaxError(message, positions[i] ?? fallback);
}

/** Requires every parameter to be a string (e.g. Dedup keys, ValueMap keys). */
export function requireStrings(
  step: string,
  params: readonly Param[],
  positions: ParamPositions,
  position: number,
): string[] {
  return params.map((p, i) => {
    if (typeof p !== 'string')
      paramError(
        `${step} parameters have to be string keys, got: ${describeParam(p)}`,
        positions,
        i,
        position,
      );
    return p;
  });
}

/** Requires an integer parameter (Range, Limit, depths). */
export function requireInt(
  step: string,
  params: readonly Param[],
  i: number,
  positions: ParamPositions,
  position: number,
): number {
  const p = params[i];
  if (typeof p !== 'number' || !Number.isInteger(p)) {
    paramError(
      `${step} parameter ${i + 1} has to be an integer, got: ${p === undefined ? 'nothing' : describeParam(p)}`,
      positions,
      i,
      position,
    );
  }
  return p;
}
