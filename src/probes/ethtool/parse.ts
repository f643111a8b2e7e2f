// SPDX-License-Identifier: Apache-2.0
// Parses ethtool's text output: `ethtool -i` (driver, bus), `ethtool -k` (features) and plain
// `ethtool` (link settings), and the marked-up output of one batch covering several interfaces.

/** What the probe learns about one interface. Empty fields are left out. */
export interface EthtoolInfo {
  Driver?: string;
  BusInfo?: string;
  /** Link speed in Mb/s, when the driver knows it. */
  Speed?: number;
  /** Feature name → enabled. */
  Features?: Record<string, boolean>;
}

/** The three commands a batch runs per interface, as named in its markers. */
export type EthtoolCommand = 'driver' | 'features' | 'settings';

const NONE = new Set(['', 'N/A', 'n/a']);

/** `key: value` lines (indentation ignored; the first colon splits). */
function fields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) m.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return m;
}

/** `ethtool -i`: driver name and bus address. */
export function parseDriverInfo(text: string): Pick<EthtoolInfo, 'Driver' | 'BusInfo'> {
  const f = fields(text);
  const out: Pick<EthtoolInfo, 'Driver' | 'BusInfo'> = {};
  const driver = f.get('driver');
  const bus = f.get('bus-info');
  if (driver !== undefined && !NONE.has(driver)) out.Driver = driver;
  if (bus !== undefined && !NONE.has(bus)) out.BusInfo = bus;
  return out;
}

/** `ethtool -k`: every feature, `on` → true, whatever follows (`[fixed]`, `[requested on]`). */
export function parseFeatures(text: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([\w-]+):\s+(on|off)\b/.exec(line);
    if (m) out[m[1]!] = m[2] === 'on';
  }
  return out;
}

/** Plain `ethtool`: the speed in Mb/s, undefined when unknown. */
export function parseSpeed(text: string): number | undefined {
  const m = /^\s*Speed:\s*(\d+)\s*Mb\/s/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Marker line a batch prints before each command's output. */
export const MARKER = '@@skydive-ethtool';

/**
 * Splits a batch's output into per-interface results. A command that failed (nonzero status)
 * contributes nothing; an interface whose three commands all failed (it vanished) is absent.
 */
export function parseBatch(output: string): Map<string, EthtoolInfo> {
  const out = new Map<string, EthtoolInfo>();
  const blocks = output.split(`${MARKER} `).slice(1);
  for (const block of blocks) {
    const nl = block.indexOf('\n');
    const head = (nl < 0 ? block : block.slice(0, nl)).trim().split(' ');
    const [name, cmd, status] = head;
    if (!name || !cmd || status !== '0') continue;
    const body = nl < 0 ? '' : block.slice(nl + 1);
    const info = out.get(name) ?? {};
    if (cmd === 'driver') Object.assign(info, parseDriverInfo(body));
    else if (cmd === 'features') {
      const f = parseFeatures(body);
      if (Object.keys(f).length > 0) info.Features = f;
    } else if (cmd === 'settings') {
      const s = parseSpeed(body);
      if (s !== undefined) info.Speed = s;
    }
    out.set(name, info);
  }
  return out;
}
