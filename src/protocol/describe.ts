// SPDX-License-Identifier: Apache-2.0
// Internal helper (not re-exported): a short rendering of a JSON value for error messages, so that
// every decoder reports "got …" the same way.

/** `null`, `an array`, `an object`, a quoted (truncated) string, or the number/boolean. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}
