// SPDX-License-Identifier: Apache-2.0
// Gathers every hardware fact of the host node (skydive-compat §1.7) from a host's files. Keys
// with nothing to say are left out, as Skydive does; a missing file is never an error here.
import { applyMaxFrequency, parseCpuInfo, type CpuInfo } from './cpuinfo.js';
import type { HostFiles } from './host-files.js';
import { parseCpuList, parseKernelCmdLine, platformInfo } from './platform.js';
import { detectVirtualization } from './virtualization.js';

/** The metadata the hardware probe sets on the host node. */
export interface HardwareMetadata {
  CPU?: CpuInfo[];
  OS?: string;
  Platform?: string;
  PlatformFamily?: string;
  PlatformVersion?: string;
  KernelVersion?: string;
  KernelCmdLine?: Record<string, string | boolean>;
  VirtualizationSystem?: string;
  VirtualizationRole?: string;
  InstanceID?: string;
  IsolatedCPU?: number[];
}

export interface HostInfo {
  /** `os.platform()` on the live host. */
  os: string;
  /** `os.release()` (uname -r) on the live host. */
  kernelRelease: string;
}

/**
 * The instance ID: cloud-init's (what Skydive reads), else the DMI product UUID, else the
 * systemd machine ID, so that every host gets a stable identifier.
 */
async function instanceID(files: HostFiles): Promise<string | undefined> {
  for (const p of [
    '/var/lib/cloud/data/instance-id',
    '/sys/class/dmi/id/product_uuid',
    '/etc/machine-id',
  ]) {
    const v = (await files.text(p))?.trim();
    if (v) return v;
  }
  return undefined;
}

async function cpus(files: HostFiles, cpuinfo: string | undefined): Promise<CpuInfo[]> {
  const list = parseCpuInfo(cpuinfo ?? '');
  const max = new Map<number, string>();
  for (const c of list) {
    const v = await files.text(`/sys/devices/system/cpu/cpu${c.CPU}/cpufreq/cpuinfo_max_freq`);
    if (v !== undefined) max.set(c.CPU, v);
  }
  applyMaxFrequency(list, max);
  return list;
}

/** Reads the host's hardware facts. */
export async function collectHardware(files: HostFiles, host: HostInfo): Promise<HardwareMetadata> {
  const md: HardwareMetadata = {};
  const cpuinfo = await files.text('/proc/cpuinfo');
  const cpuList = await cpus(files, cpuinfo);
  if (cpuList.length > 0) md.CPU = cpuList;
  if (host.os) md.OS = host.os;
  Object.assign(
    md,
    platformInfo(
      (await files.text('/etc/os-release')) ?? (await files.text('/usr/lib/os-release')),
      await files.text('/etc/debian_version'),
    ),
  );
  if (host.kernelRelease) md.KernelVersion = host.kernelRelease;
  const cmdline = await files.text('/proc/cmdline');
  if (cmdline !== undefined) md.KernelCmdLine = parseKernelCmdLine(cmdline);
  Object.assign(md, await detectVirtualization(files, cpuinfo));
  const id = await instanceID(files);
  if (id) md.InstanceID = id;
  const isolated = parseCpuList((await files.text('/sys/devices/system/cpu/isolated')) ?? '');
  if (isolated && isolated.length > 0) md.IsolatedCPU = isolated;
  return md;
}
