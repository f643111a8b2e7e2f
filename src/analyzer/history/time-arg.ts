// SPDX-License-Identifier: Apache-2.0
// Time arguments of the history REST routes: Skydive's Context/At syntax (§4.4: Go duration relative
// to now, RFC1123, Unix seconds or ms), plus RFC 3339 and `now`, resolved against a clock.
import { InvalidArgumentError } from '../../graph/errors.js';
import { parseGoDuration, parseRFC1123 } from '../../gremlin/index.js';

/** Code of a time argument that does not parse. */
export const ERR_BAD_TIME = 'SKY_ERR_BAD_TIME';

const INT32_MAX = 2 ** 31 - 1;
/** The range of a JavaScript Date, in ms either side of the epoch. */
const MAX_DATE_MS = 8.64e15;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Resolves `text` to ms since the epoch. `-1m` is a minute before `now`; an integer up to 2^31-1 is
 * Unix seconds and a larger one ms (as Skydive's At()); RFC 3339 and RFC1123 dates are absolute.
 * @throws InvalidArgumentError SKY_ERR_BAD_TIME naming `what` and the accepted forms.
 * @example parseTimeArg('from', '-5m', Date.now())
 */
export function parseTimeArg(what: string, text: string, now: number): number {
  const ms = parse(text.trim(), now);
  // beyond ±8.64e15 ms a JavaScript Date (and every message that prints one) breaks
  if (ms !== undefined && Math.abs(ms) <= MAX_DATE_MS) return Math.trunc(ms);
  const shown = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  throw new InvalidArgumentError(
    ERR_BAD_TIME,
    `${what}: '${shown}' is not a time: use a Go duration relative to now ('-1m', '-2h30m'), ` +
      `Unix seconds or ms, RFC 3339 ('2024-05-01T12:00:00Z'), RFC1123 or 'now'`,
  );
}

function parse(s: string, now: number): number | undefined {
  if (s.toLowerCase() === 'now') return now;
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (Number.isSafeInteger(n)) return n > INT32_MAX ? n : n * 1000;
  }
  if (RFC3339.test(s)) {
    const ms = Date.parse(s.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return ms;
  }
  const rfc1123 = parseRFC1123(s);
  if (rfc1123 !== undefined) return rfc1123;
  const d = parseGoDuration(s);
  if (d !== undefined) return now + d;
  return undefined;
}
