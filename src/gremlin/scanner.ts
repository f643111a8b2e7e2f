// SPDX-License-Identifier: Apache-2.0
// The Gremlin lexer: turns a query into tokens with 0-based positions. Identifiers are kept as
// written plus an upper-case form (keywords are case-insensitive); numbers may be negative.
import { QuerySyntaxError } from '../graph/errors.js';

/** Token kinds of the dialect. */
export type TokenKind =
  | 'ident'
  | 'number'
  | 'string'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'dot'
  | 'eof';

/** One lexical token. `text` is the identifier as written, the decoded string, or the number text. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Upper-case identifier, for case-insensitive keyword matching ('' for other kinds). */
  readonly upper: string;
  /** Numeric value of a number token. */
  readonly value: number;
  /** True for a number written without a fraction. */
  readonly isInt: boolean;
  /** 0-based offset of the token's first character. */
  readonly position: number;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Escapes understood inside strings; any other backslash sequence is kept as written. */
const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t' };

function token(kind: TokenKind, text: string, position: number): Token {
  return { kind, text, upper: '', value: 0, isInt: false, position };
}

function scanString(src: string, start: number): [Token, number] {
  const quote = src[start]!;
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === quote) return [token('string', out, start), i + 1];
    if (c === '\\' && i + 1 < src.length) {
      const next = src[i + 1]!;
      const esc = ESCAPES[next];
      // Unknown escapes stay literal so that regular expressions such as '\d+' keep working.
      out += esc ?? c + next;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw new QuerySyntaxError('Unterminated string', start);
}

function scanNumber(src: string, start: number): [Token, number] {
  let i = start;
  if (src[i] === '-') i++; // the caller checked that a digit follows
  while (i < src.length && isDigit(src[i]!)) i++;
  let isInt = true;
  if (src[i] === '.' && i + 1 < src.length && isDigit(src[i + 1]!)) {
    isInt = false;
    i++;
    while (i < src.length && isDigit(src[i]!)) i++;
  }
  // Numbers only appear inside parentheses, so a letter or a second dot right after one is a typo.
  if (i < src.length && (isLetter(src[i]!) || src[i] === '_' || src[i] === '.')) {
    throw new QuerySyntaxError(`Invalid number: ${src.slice(start, i + 1)}`, start);
  }
  const text = src.slice(start, i);
  return [{ kind: 'number', text, upper: '', value: Number(text), isInt, position: start }, i];
}

function scanIdent(src: string, start: number): [Token, number] {
  let i = start + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (!isLetter(c) && !isDigit(c) && c !== '_') break;
    i++;
  }
  const text = src.slice(start, i);
  return [
    { kind: 'ident', text, upper: text.toUpperCase(), value: 0, isInt: false, position: start },
    i,
  ];
}

/**
 * Splits a query into tokens, ending with an `eof` token positioned at the end of the input.
 * @throws QuerySyntaxError on an unexpected character, a malformed number or an unterminated string.
 */
export function scan(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (isWhitespace(c)) {
      i++;
      continue;
    }
    let t: Token;
    if (isLetter(c)) [t, i] = scanIdent(src, i);
    else if (isDigit(c) || (c === '-' && i + 1 < src.length && isDigit(src[i + 1]!))) {
      [t, i] = scanNumber(src, i);
    } else if (c === '"' || c === "'") [t, i] = scanString(src, i);
    else {
      const kind: TokenKind | undefined =
        c === '('
          ? 'lparen'
          : c === ')'
            ? 'rparen'
            : c === ','
              ? 'comma'
              : c === '.'
                ? 'dot'
                : undefined;
      if (kind === undefined) throw new QuerySyntaxError(`Unexpected character: ${c}`, i);
      t = token(kind, c, i);
      i++;
    }
    tokens.push(t);
  }
  tokens.push(token('eof', '', src.length));
  return tokens;
}
