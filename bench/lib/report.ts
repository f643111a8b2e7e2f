// SPDX-License-Identifier: Apache-2.0
// Shared benchmark helpers: timing loops, percentiles, and the one output format every benchmark
// uses — our figure, the named baseline's figure from the same run, and their ratio.

/** Nanoseconds of each of `iterations` calls of `fn`, after `warmup` unmeasured calls. */
export async function sample(
  fn: () => unknown | Promise<unknown>,
  iterations: number,
  warmup = Math.min(50, iterations),
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out[i] = Number(process.hrtime.bigint() - t0);
  }
  return out;
}

export function percentile(ns: readonly number[], p: number): number {
  const s = [...ns].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

export function mean(ns: readonly number[]): number {
  return ns.reduce((a, b) => a + b, 0) / Math.max(1, ns.length);
}

export interface Stats {
  mean: number;
  p50: number;
  p99: number;
}

export function stats(ns: readonly number[]): Stats {
  return { mean: mean(ns), p50: percentile(ns, 50), p99: percentile(ns, 99) };
}

const fmtNs = (ns: number): string =>
  ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
      ? `${(ns / 1e3).toFixed(1)} µs`
      : `${ns.toFixed(0)} ns`;

/** Prints a latency comparison line: ours vs the baseline, ratio of means (ours / baseline). */
export function printLatency(name: string, ours: Stats, baselineName: string, base: Stats): void {
  const ratio = ours.mean / base.mean;
  const ratio50 = ours.p50 / base.p50;
  console.log(
    `${name.padEnd(26)} ours mean ${fmtNs(ours.mean)} p50 ${fmtNs(ours.p50)} p99 ${fmtNs(ours.p99)} | ` +
      `${baselineName} mean ${fmtNs(base.mean)} p50 ${fmtNs(base.p50)} p99 ${fmtNs(base.p99)} | ` +
      `ratio mean ${ratio.toFixed(2)}× p50 ${ratio50.toFixed(2)}×`,
  );
}

/** Prints a figure against its baseline with units, and the ratio ours / baseline. */
export function printFigure(
  name: string,
  ours: number,
  baselineName: string,
  base: number,
  unit: string,
): void {
  const f = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
  console.log(
    `${name.padEnd(34)} ours ${f(ours)} ${unit} | ${baselineName} ${f(base)} ${unit} | ratio ${(ours / base).toFixed(2)}×`,
  );
}
