// SPDX-License-Identifier: Apache-2.0
// Parses /proc/cpuinfo into the host node's `CPU` list (skydive-compat §1.7): one entry per
// logical CPU, with the field names Skydive publishes (its gopsutil-based CPUInfo).

/** One logical CPU as published in the host node's `CPU` metadata. */
export interface CpuInfo {
  CPU: number;
  VendorID?: string;
  Family?: string;
  Model?: string;
  ModelName?: string;
  Stepping?: number;
  PhysicalID?: string;
  CoreID?: string;
  Cores?: number;
  Mhz?: number;
  CacheSize?: number;
  Microcode?: string;
}

const int = (v: string): number | undefined => {
  const n = Number.parseInt(v, v.startsWith('0x') ? 16 : 10);
  return Number.isFinite(n) ? n : undefined;
};

/** Applies one `key: value` line of a processor block to `c`. */
function apply(c: CpuInfo, key: string, value: string): void {
  switch (key) {
    case 'vendor_id':
    case 'CPU implementer': // arm
      c.VendorID = value;
      break;
    case 'cpu family':
    case 'CPU architecture': // arm
      c.Family = value;
      break;
    case 'model':
    case 'CPU part': // arm
      c.Model = value;
      break;
    case 'model name':
      c.ModelName = value;
      break;
    case 'stepping':
    case 'CPU revision': {
      const n = int(value);
      if (n !== undefined) c.Stepping = n;
      break;
    }
    case 'physical id':
      c.PhysicalID = value;
      break;
    case 'core id':
      c.CoreID = value;
      break;
    case 'cpu cores': {
      const n = int(value);
      if (n !== undefined) c.Cores = n;
      break;
    }
    case 'cpu MHz': {
      const n = Number.parseFloat(value);
      if (Number.isFinite(n)) c.Mhz = Math.trunc(n);
      break;
    }
    case 'cache size': {
      // "1024 KB"
      const n = int(value);
      if (n !== undefined) c.CacheSize = n;
      break;
    }
    case 'microcode':
      c.Microcode = value;
      break;
  }
}

/**
 * Parses /proc/cpuinfo. Blocks start at a `processor` line; empty values are left out, as
 * Skydive's omitempty fields are. A CPU without `cpu cores` counts 1 core, as gopsutil does.
 * @example parseCpuInfo('processor\t: 0\nvendor_id\t: AuthenticAMD\n')[0]?.VendorID // 'AuthenticAMD'
 */
export function parseCpuInfo(text: string): CpuInfo[] {
  const cpus: CpuInfo[] = [];
  let cur: CpuInfo | undefined;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor') {
      const n = int(value);
      if (n === undefined) continue; // s390 and old arm use "Processor: <name>"
      cur = { CPU: n };
      cpus.push(cur);
      continue;
    }
    if (cur && value !== '') apply(cur, key, value);
  }
  for (const c of cpus) c.Cores ??= 1;
  return cpus;
}

/**
 * Replaces Mhz by the CPU's maximum frequency when cpufreq publishes one (kHz), as gopsutil does;
 * `maxKHz` is indexed by CPU number.
 */
export function applyMaxFrequency(cpus: CpuInfo[], maxKHz: ReadonlyMap<number, string>): void {
  for (const c of cpus) {
    const khz = Number.parseInt(maxKHz.get(c.CPU) ?? '', 10);
    if (Number.isFinite(khz) && khz > 0) c.Mhz = Math.trunc(khz / 1000);
  }
}
