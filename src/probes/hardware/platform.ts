// SPDX-License-Identifier: Apache-2.0
// Pure parsers for the host node's OS facts: /etc/os-release (Platform, PlatformFamily,
// PlatformVersion), /proc/cmdline (KernelCmdLine) and CPU lists such as /sys/.../cpu/isolated.

/** Parses an os-release file (shell-style KEY=value lines, values optionally quoted). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let v = line.slice(eq + 1);
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
      v = v.slice(1, -1);
      if (q === '"') v = v.replace(/\\(["\\$`])/g, '$1');
    }
    out[line.slice(0, eq)] = v;
  }
  return out;
}

// Platform families as gopsutil (and so Skydive) names them.
const FAMILIES: Record<string, string> = {
  debian: 'debian',
  ubuntu: 'debian',
  linuxmint: 'debian',
  raspbian: 'debian',
  neokylin: 'rhel',
  rhel: 'rhel',
  centos: 'rhel',
  redhat: 'rhel',
  oracle: 'rhel',
  ol: 'rhel',
  scientific: 'rhel',
  amzn: 'rhel',
  xenserver: 'rhel',
  cloudlinux: 'rhel',
  rocky: 'rhel',
  almalinux: 'rhel',
  fedora: 'fedora',
  suse: 'suse',
  opensuse: 'suse',
  'opensuse-leap': 'suse',
  'opensuse-tumbleweed': 'suse',
  sles: 'suse',
  gentoo: 'gentoo',
  arch: 'arch',
  manjaro: 'arch',
  archlinux: 'arch',
  alpine: 'alpine',
  coreos: 'coreos',
};

export interface PlatformInfo {
  Platform?: string;
  PlatformFamily?: string;
  PlatformVersion?: string;
}

/**
 * Platform facts from os-release. Debian's point release comes from /etc/debian_version
 * (`12.11` rather than `12`), as gopsutil reports it.
 */
export function platformInfo(osRelease: string | undefined, debianVersion?: string): PlatformInfo {
  const os = parseOsRelease(osRelease ?? '');
  const out: PlatformInfo = {};
  const id = os['ID']?.toLowerCase();
  if (!id) return out;
  out.Platform = id;
  let family = FAMILIES[id];
  if (!family) {
    for (const like of (os['ID_LIKE'] ?? '').toLowerCase().split(/\s+/)) {
      family = FAMILIES[like];
      if (family) break;
    }
  }
  if (family) out.PlatformFamily = family;
  const version =
    id === 'debian' && debianVersion?.trim() ? debianVersion.trim() : os['VERSION_ID'];
  if (version) out.PlatformVersion = version;
  return out;
}

/** Splits a kernel command line into words; double quotes group words (`a="b c"`). */
function words(cmdline: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let has = false;
  for (const ch of cmdline) {
    if (ch === '"') {
      quoted = !quoted;
      has = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/**
 * Parses /proc/cmdline into `KernelCmdLine`: `key=value` → string, a bare `flag` → true.
 * Words after `--` are arguments for init, not kernel parameters, and are left out.
 * @example parseKernelCmdLine('ro quiet root=/dev/vda') // { ro: true, quiet: true, root: '/dev/vda' }
 */
export function parseKernelCmdLine(cmdline: string): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const w of words(cmdline)) {
    if (w === '--') break;
    const eq = w.indexOf('=');
    if (eq < 0) out[w] = true;
    else if (eq > 0) out[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return out;
}

/**
 * Parses a kernel CPU list (`3,4,7-9`) into CPU numbers; undefined when malformed (a reversed
 * or open range, a non-number), so the caller leaves the key out rather than publish garbage.
 */
export function parseCpuList(text: string): number[] | undefined {
  const s = text.trim();
  if (s === '') return [];
  const out: number[] = [];
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    if (end < start) return undefined;
    for (let i = start; i <= end; i++) out.push(i);
  }
  return out;
}
