// SPDX-License-Identifier: Apache-2.0
// Interface counters as sparklines: the rate of each counter between consecutive samples of the
// node's Metric metadata (its last 60 updates).
import type { MetricSample } from '../model/graph-store.js';

const W = 150;
const H = 28;

/** Per-second rates of `key` between samples. */
export function rates(samples: readonly MetricSample[], key: string): number[] {
  const out: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (!a || !b) continue;
    const dt = (b.t - a.t) / 1000;
    const dv = (b.values[key] ?? 0) - (a.values[key] ?? 0);
    if (dt > 0 && dv >= 0) out.push(dv / dt);
  }
  return out;
}

function Line({ values }: { values: number[] }) {
  const max = Math.max(1, ...values);
  const pts = values.map(
    (v, i) => `${(i / Math.max(1, values.length - 1)) * W},${H - (v / max) * H}`,
  );
  return (
    <svg width={W} height={H} className="spark">
      <polyline points={pts.join(' ')} fill="none" stroke="#3a78c3" strokeWidth="1.5" />
    </svg>
  );
}

const KEYS = [
  'RxBytes',
  'TxBytes',
  'RxPackets',
  'TxPackets',
  'RxDropped',
  'TxDropped',
  'RxErrors',
  'TxErrors',
];

/** Sparklines of the counters a node has. */
export function Sparklines({ samples }: { samples: readonly MetricSample[] | undefined }) {
  if (!samples || samples.length === 0)
    return <p className="muted">No interface counters (Metric) on this node.</p>;
  const last = samples[samples.length - 1]?.values ?? {};
  return (
    <table className="sparks" data-testid="sparklines">
      <tbody>
        {KEYS.filter((k) => k in last).map((k) => (
          <tr key={k}>
            <td>{k}</td>
            <td>{samples.length > 1 ? <Line values={rates(samples, k)} /> : '—'}</td>
            <td className="num">{last[k]?.toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
