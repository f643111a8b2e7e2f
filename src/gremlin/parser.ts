// SPDX-License-Identifier: Apache-2.0
// The Gremlin parser: `G` followed by `.Step(params…)` calls. It knows parameter syntax (literals,
// predicates, Metadata, keywords) but not step names; the engine resolves those (core + extensions).
import { QuerySyntaxError } from '../graph/errors.js';
import type { MetadataParam, Param, PredicateParam, Scalar } from './params.js';
import { describeParam } from './params.js';
import { isPredicateName, makePredicate } from './predicates.js';
import type { Token } from './scanner.js';
import { scan } from './scanner.js';

/** One step call as written: `Has('Name', 'eth0')`. */
export interface StepNode {
  /** The step name as written. */
  readonly name: string;
  /** Upper-case name, for case-insensitive lookup. */
  readonly upper: string;
  readonly params: readonly Param[];
  /** 0-based offset of each parameter. */
  readonly paramPositions: readonly number[];
  /** 0-based offset of the step name. */
  readonly position: number;
}

/** A parsed query: the steps after the leading `G`. */
export interface QueryAst {
  readonly text: string;
  readonly steps: readonly StepNode[];
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  query(text: string): QueryAst {
    const first = this.next();
    if (first.kind !== 'ident' || first.upper !== 'G') {
      throw new QuerySyntaxError(`found "${first.text}", expected G`, first.position);
    }
    this.optionalEmptyParens();
    const steps: StepNode[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === 'eof') break;
      if (t.kind !== 'dot') throw new QuerySyntaxError(`found "${t.text}", expected .`, t.position);
      steps.push(this.step());
    }
    return { text, steps };
  }

  /** `G` may be written bare (Skydive) or as `G()`. */
  private optionalEmptyParens(): void {
    if (this.peek().kind !== 'lparen') return;
    this.next();
    const t = this.next();
    if (t.kind !== 'rparen')
      throw new QuerySyntaxError(`G takes no parameters, got: ${t.text}`, t.position);
  }

  private step(): StepNode {
    const t = this.next();
    if (t.kind !== 'ident') {
      throw new QuerySyntaxError(
        `Expected step function, got: ${t.text || 'end of query'}`,
        t.position,
      );
    }
    if (t.upper === 'G') {
      this.optionalEmptyParens();
      return { name: t.text, upper: t.upper, params: [], paramPositions: [], position: t.position };
    }
    const open = this.next();
    if (open.kind !== 'lparen') {
      throw new QuerySyntaxError(
        `Expected left parenthesis, got: ${open.text || 'end of query'}`,
        open.position,
      );
    }
    const [params, paramPositions] = this.params();
    return { name: t.text, upper: t.upper, params, paramPositions, position: t.position };
  }

  /** Parameters after an opening parenthesis, up to and including the closing one. */
  private params(): [Param[], number[]] {
    const params: Param[] = [];
    const positions: number[] = [];
    if (this.peek().kind === 'rparen') {
      this.next();
      return [params, positions];
    }
    for (;;) {
      positions.push(this.peek().position);
      params.push(this.param());
      const t = this.next();
      if (t.kind === 'rparen') return [params, positions];
      if (t.kind === 'comma') continue;
      if (t.kind === 'eof') throw new QuerySyntaxError('Expected right parenthesis', t.position);
      throw new QuerySyntaxError(
        `Unexpected token while parsing parameters, got: ${t.text}`,
        t.position,
      );
    }
  }

  private param(): Param {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return t.value;
      case 'string':
        return t.text;
      case 'eof':
        throw new QuerySyntaxError('Expected right parenthesis', t.position);
      case 'ident':
        return this.keywordParam(t);
      default:
        throw new QuerySyntaxError(
          `Unexpected token while parsing parameters, got: ${t.text}`,
          t.position,
        );
    }
  }

  private keywordParam(t: Token): Param {
    switch (t.upper) {
      case 'TRUE':
        return true;
      case 'FALSE':
        return false;
      case 'ASC':
      case 'DESC':
        return { type: 'order', order: t.upper };
      case 'NOW':
      case 'FOREVER':
        return { type: 'time', keyword: t.upper };
      case 'METADATA':
        return this.metadata(t);
    }
    if (isPredicateName(t.upper)) {
      this.expectOpen(t);
      const [args, argPositions] = this.params();
      return makePredicate(t.upper, args, t.position, argPositions);
    }
    throw new QuerySyntaxError(
      `Unexpected token while parsing parameters, got: ${t.text}`,
      t.position,
    );
  }

  private expectOpen(t: Token): void {
    const open = this.next();
    if (open.kind !== 'lparen') {
      throw new QuerySyntaxError(
        `Expected left parenthesis after ${t.text}, got: ${open.text || 'end of query'}`,
        open.position,
      );
    }
  }

  private metadata(t: Token): MetadataParam {
    this.expectOpen(t);
    const [args, positions] = this.params();
    if (args.length % 2 !== 0)
      throw new QuerySyntaxError('Metadata must be defined by pairs k,v', t.position);
    const entries: Array<readonly [string, Scalar | PredicateParam]> = [];
    for (let i = 0; i < args.length; i += 2) {
      const k = args[i]!;
      const v = args[i + 1]!;
      if (typeof k !== 'string') {
        throw new QuerySyntaxError(
          `Metadata keys should be of string type, got: ${describeParam(k)}`,
          positions[i]!,
        );
      }
      if (typeof v === 'object' && v.type !== 'predicate') {
        throw new QuerySyntaxError(
          `Metadata value for '${k}' must be a literal or a predicate`,
          positions[i + 1]!,
        );
      }
      entries.push([k, v]);
    }
    return { type: 'metadata', entries, position: t.position };
  }
}

/**
 * Parses a query into its steps. Step names are not checked here.
 * @throws QuerySyntaxError with the 0-based position of the offending token.
 * @example parseQuery("G.V().Has('Name', 'eth0')").steps[1].params // ['Name', 'eth0']
 */
export function parseQuery(text: string): QueryAst {
  return new Parser(scan(text)).query(text);
}
