// SPDX-License-Identifier: Apache-2.0
// Predicates (skydive-compat §4.3): validation at parse time and compilation into value matchers.
// A field holding an array matches when any element matches, as in Skydive's getters.
import { QuerySyntaxError } from '../graph/errors.js';
import { ipv4InPrefix, parseCIDR } from './ip.js';
import type { Param, PredicateOp, PredicateParam, Scalar } from './params.js';
import { describeParam } from './params.js';

/** Tests a field value (undefined when the field is absent). */
export type ValueMatcher = (value: unknown) => boolean;

const ARITY: Record<PredicateOp, number | 'many'> = {
  NE: 1,
  NEE: 1,
  LT: 1,
  GT: 1,
  LTE: 1,
  GTE: 1,
  INSIDE: 2,
  OUTSIDE: 2,
  BETWEEN: 2,
  WITHIN: 'many',
  WITHOUT: 'many',
  REGEX: 1,
  IPV4RANGE: 1,
};

/** True when `name` (upper case) is a predicate keyword. */
export function isPredicateName(name: string): name is PredicateOp {
  return Object.prototype.hasOwnProperty.call(ARITY, name);
}

const INT_STRING = /^[+-]?\d+(\.0*)?$/;

/** Numeric view of a value, as Skydive's int64 casts see it: numbers, and integer strings. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && INT_STRING.test(v)) return Number(v);
  return undefined;
}

const REGEX_CACHE = new Map<string, RegExp>();

/**
 * Compiles a REGEX argument: implicitly anchored as a whole (`^(?:re)$`). User-supplied `^`/`$`
 * are harmless. RE2's `(?P<name>` groups and a leading `(?i)` flag are translated to JS syntax.
 */
export function compileRegex(source: string): RegExp {
  let re = REGEX_CACHE.get(source);
  if (re) return re;
  let body = source.replace(/\(\?P</g, '(?<');
  let flags = '';
  const m = /^\(\?([imsU]+)\)/.exec(body);
  if (m) {
    if (m[1]!.includes('i')) flags += 'i';
    if (m[1]!.includes('s')) flags += 's';
    if (m[1]!.includes('m')) flags += 'm';
    body = body.slice(m[0].length);
  }
  re = new RegExp(`^(?:${body})$`, flags);
  if (REGEX_CACHE.size > 1000) REGEX_CACHE.clear();
  REGEX_CACHE.set(source, re);
  return re;
}

function numericArg(op: PredicateOp, a: Scalar, position: number): number {
  const n = toNumber(a);
  if (n === undefined)
    throw new QuerySyntaxError(`${op} expects a number, got: ${describeParam(a)}`, position);
  return n;
}

/**
 * Builds a predicate parameter, checking its arity and argument types.
 * @throws QuerySyntaxError pointing at the predicate or the offending argument.
 */
export function makePredicate(
  op: PredicateOp,
  args: readonly Param[],
  position: number,
  argPositions: readonly number[] = [],
): PredicateParam {
  const arity = ARITY[op];
  if (arity !== 'many' && args.length !== arity) {
    const n = arity === 1 ? 'One parameter' : 'Two parameters';
    throw new QuerySyntaxError(`${n} expected with ${op}, got ${args.length}`, position);
  }
  if (arity === 'many' && args.length === 0) {
    throw new QuerySyntaxError(`${op} expects at least one value`, position);
  }
  const scalars = args.map((a, i) => {
    if (typeof a === 'object') {
      throw new QuerySyntaxError(
        `${op} accepts only literal values, got: ${describeParam(a)}`,
        argPositions[i] ?? position,
      );
    }
    return a;
  });
  const at = (i: number): number => argPositions[i] ?? position;
  switch (op) {
    case 'LT':
    case 'GT':
    case 'LTE':
    case 'GTE':
    case 'INSIDE':
    case 'OUTSIDE':
    case 'BETWEEN':
      scalars.forEach((a, i) => numericArg(op, a, at(i)));
      break;
    case 'REGEX':
      if (typeof scalars[0] !== 'string')
        throw new QuerySyntaxError('REGEX predicate expects a string as parameter', at(0));
      try {
        compileRegex(scalars[0]);
      } catch (e) {
        throw new QuerySyntaxError(`Invalid regular expression: ${(e as Error).message}`, at(0));
      }
      break;
    case 'IPV4RANGE': {
      const cidr = scalars[0];
      const prefix = typeof cidr === 'string' ? parseCIDR(cidr) : undefined;
      if (!prefix || prefix.family !== 4) {
        throw new QuerySyntaxError(
          `IPV4RANGE expects an IPv4 CIDR such as '10.0.0.0/24', got: ${describeParam(cidr!)}`,
          at(0),
        );
      }
      break;
    }
    default:
      break;
  }
  return { type: 'predicate', op, args: scalars, position };
}

const anyOf = (v: unknown, f: (c: unknown) => boolean): boolean => {
  if (v === undefined) return false;
  if (Array.isArray(v)) {
    for (const c of v) if (f(c)) return true;
    return false;
  }
  return f(v);
};

/** Equality on one candidate: strings and booleans exactly, numbers numerically. */
function equals(x: Scalar): (c: unknown) => boolean {
  if (typeof x === 'number') return (c) => toNumber(c) === x;
  return (c) => c === x;
}

function compare(x: number, cmp: (a: number, b: number) => boolean): (c: unknown) => boolean {
  return (c) => {
    const n = toNumber(c);
    return n !== undefined && cmp(n, x);
  };
}

const lt = (a: number, b: number): boolean => a < b;
const gt = (a: number, b: number): boolean => a > b;
const lte = (a: number, b: number): boolean => a <= b;
const gte = (a: number, b: number): boolean => a >= b;
const CMP = { LT: lt, GT: gt, LTE: lte, GTE: gte } as const;

function predicateMatcher(p: PredicateParam): ValueMatcher {
  const [a, b] = p.args;
  const num = (s: Scalar | undefined): number => toNumber(s) ?? NaN;
  switch (p.op) {
    case 'NE': {
      const eq = equals(a!);
      return (v) => v !== undefined && !anyOf(v, eq);
    }
    case 'NEE': {
      const eq = equals(a!);
      return (v) => !anyOf(v, eq);
    }
    case 'LT':
    case 'GT':
    case 'LTE':
    case 'GTE': {
      const f = compare(num(a), CMP[p.op]);
      return (v) => anyOf(v, f);
    }
    case 'INSIDE': {
      const lo = compare(num(a), gt);
      const hi = compare(num(b), lt);
      return (v) => anyOf(v, lo) && anyOf(v, hi);
    }
    case 'BETWEEN': {
      const lo = compare(num(a), gte);
      const hi = compare(num(b), lt);
      return (v) => anyOf(v, lo) && anyOf(v, hi);
    }
    case 'OUTSIDE': {
      // Skydive never scans OUTSIDE and would AND both sides; we implement the intended meaning.
      const below = compare(num(a), lt);
      const above = compare(num(b), gt);
      return (v) => anyOf(v, below) || anyOf(v, above);
    }
    case 'WITHIN': {
      const eqs = p.args.map(equals);
      return (v) => eqs.some((eq) => anyOf(v, eq));
    }
    case 'WITHOUT': {
      const eqs = p.args.map(equals);
      return (v) => eqs.every((eq) => !anyOf(v, eq));
    }
    case 'REGEX': {
      const re = compileRegex(a as string);
      return (v) => anyOf(v, (c) => typeof c === 'string' && re.test(c));
    }
    case 'IPV4RANGE': {
      const prefix = parseCIDR(a as string)!;
      return (v) => anyOf(v, (c) => typeof c === 'string' && ipv4InPrefix(prefix, c));
    }
  }
}

/** Compiles a Has-style value (literal or predicate) into a matcher of field values. */
export function valueMatcher(value: Scalar | PredicateParam): ValueMatcher {
  if (typeof value === 'object') return predicateMatcher(value);
  // Strings and booleans compare exactly: no per-candidate closure needed.
  if (typeof value !== 'number')
    return (v) => v === value || (Array.isArray(v) && v.includes(value));
  const eq = equals(value);
  return (v) => anyOf(v, eq);
}
