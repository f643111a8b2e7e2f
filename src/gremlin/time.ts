// SPDX-License-Identifier: Apache-2.0
// Time arguments of Context()/At() (skydive-compat §4.4): RFC1123 dates, Go durations relative to
// now, Unix seconds or milliseconds, NOW and FOREVER. Parsed once, resolved against a clock later.
import { QuerySyntaxError } from '../graph/errors.js';
import type { Param } from './params.js';
import { describeParam } from './params.js';

/** A point in time: absolute (ms since epoch) or relative to the execution clock. */
export type TimePoint =
  | { readonly kind: 'absolute'; readonly ms: number }
  | { readonly kind: 'relative'; readonly offsetMs: number };

/** A lookback window: a length in ms, or since the epoch. */
export type TimeSpan =
  | { readonly kind: 'duration'; readonly ms: number }
  | { readonly kind: 'forever' };

/** The parsed arguments of Context/At. */
export interface TimeContextSpec {
  readonly at: TimePoint;
  readonly span?: TimeSpan;
}

/** The resolved window: the state at `time`, or every revision alive in [time - duration, time]. */
export interface ResolvedTime {
  readonly time: number;
  readonly duration?: number;
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a Go duration (`-1m`, `1h30m`, `1.5s`, `0`) into ms, or undefined when malformed. */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([-+]?)(.*)$/.exec(s)!;
  const sign = m[1] === '-' ? -1 : 1;
  let rest = m[2]!;
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest.length > 0) {
    const p = part.exec(rest);
    if (!p) return undefined;
    total += Number(p[1]) * UNIT_MS[p[2]!]!;
    rest = rest.slice(p[0].length);
  }
  return sign * total;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC1123 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([A-Z]{1,5}|[+-]\d{4})$/;

/**
 * Parses an RFC1123 date (`Mon, 02 Jan 2006 15:04:05 MST`). Like Go's time.Parse in a UTC process,
 * a zone abbreviation counts as offset 0; a numeric offset (`+0200`, RFC1123Z) is honoured.
 */
export function parseRFC1123(s: string): number | undefined {
  const m = RFC1123.exec(s);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[3]!);
  if (month < 0) return undefined;
  const [day, year, hh, mm, ss] = [m[2], m[4], m[5], m[6], m[7]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 59) return undefined;
  let ms = Date.UTC(year, month, day, hh, mm, ss);
  const zone = m[8]!;
  if (zone[0] === '+' || zone[0] === '-') {
    const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
    ms -= zone[0] === '+' ? offset : -offset;
  }
  return ms;
}

const INT32_MAX = 2 ** 31 - 1;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function timePoint(p: Param, position: number): TimePoint {
  if (typeof p === 'number') {
    if (!Number.isInteger(p))
      throw new QuerySyntaxError('Context time must be an integer', position);
    return { kind: 'absolute', ms: p > INT32_MAX ? p : p * 1000 };
  }
  if (typeof p === 'string') {
    const rfc = parseRFC1123(p);
    if (rfc !== undefined) return { kind: 'absolute', ms: rfc };
    if (RFC3339.test(p)) return { kind: 'absolute', ms: Date.parse(p) };
    const d = parseGoDuration(p);
    if (d !== undefined) return { kind: 'relative', offsetMs: d };
    throw new QuerySyntaxError('Time must be in RFC1123 or in Go Duration format', position);
  }
  if (typeof p === 'object' && p.type === 'time' && p.keyword === 'NOW')
    return { kind: 'relative', offsetMs: 0 };
  throw new QuerySyntaxError(
    `Context time must be a string, an integer or NOW, got: ${describeParam(p)}`,
    position,
  );
}

function timeSpan(p: Param, position: number): TimeSpan {
  if (typeof p === 'number') {
    if (!Number.isInteger(p))
      throw new QuerySyntaxError('Context duration must be an integer', position);
    return { kind: 'duration', ms: p * 1000 };
  }
  if (typeof p === 'string') {
    const d = parseGoDuration(p);
    if (d === undefined) throw new QuerySyntaxError(`Invalid duration: ${p}`, position);
    return { kind: 'duration', ms: d };
  }
  if (typeof p === 'object' && p.type === 'time' && p.keyword === 'FOREVER')
    return { kind: 'forever' };
  throw new QuerySyntaxError(
    `Context duration must be a string, an integer or FOREVER, got: ${describeParam(p)}`,
    position,
  );
}

/**
 * Parses the parameters of Context/At.
 * @throws QuerySyntaxError on a wrong count or an unparsable time.
 */
export function parseTimeContext(
  params: readonly Param[],
  positions: readonly number[],
  position: number,
): TimeContextSpec {
  if (params.length === 0)
    throw new QuerySyntaxError("At least one parameter must be provided to 'Context'", position);
  if (params.length > 2)
    throw new QuerySyntaxError("At most two parameters must be provided to 'Context'", position);
  const at = timePoint(params[0]!, positions[0] ?? position);
  if (params.length === 1) return { at };
  return { at, span: timeSpan(params[1]!, positions[1] ?? position) };
}

/** Resolves a spec against `now` (ms). FOREVER reaches back to the epoch. */
export function resolveTime(spec: TimeContextSpec, now: number): ResolvedTime {
  const time = spec.at.kind === 'absolute' ? spec.at.ms : now + spec.at.offsetMs;
  if (!spec.span) return { time };
  return { time, duration: spec.span.kind === 'forever' ? time : spec.span.ms };
}
