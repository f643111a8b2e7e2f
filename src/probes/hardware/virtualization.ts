// SPDX-License-Identifier: Apache-2.0
// Detects what the agent runs in (VirtualizationSystem, VirtualizationRole): a container first,
// then a hypervisor guest (firmware and DMI vendors, the cpuinfo `hypervisor` flag), then a host.
import type { HostFiles } from './host-files.js';

export interface Virtualization {
  VirtualizationSystem?: string;
  VirtualizationRole?: 'guest' | 'host';
}

/** Vendor strings (DMI fields, ACPI OEM IDs) → system name, first match wins. */
const VENDORS: [RegExp, string][] = [
  [/^FIRECK/, 'firecracker'],
  [/^(KVM|Red Hat)/i, 'kvm'],
  [/^(QEMU|BOCHS|BXPC)/i, 'qemu'],
  [/^VMware/i, 'vmware'],
  [/^(VirtualBox|innotek|VBOX)/i, 'vbox'],
  [/^Xen/i, 'xen'],
  [/^(Microsoft Corporation|VRTUAL)/i, 'hyperv'],
  [/^Parallels/i, 'parallels'],
  [/^(Amazon EC2|AMAZON)/i, 'amazon'],
  [/^Google/i, 'google'],
  [/^OpenStack/i, 'openstack'],
  [/^Bochs/i, 'bochs'],
];

const CONTAINER_CGROUPS: [RegExp, string][] = [
  [/\/docker[/-]/, 'docker'],
  [/\/libpod[-/]/, 'podman'],
  [/\/lxc[./]/, 'lxc'],
  [/kubepods/, 'kubernetes'],
  [/\/containerd/, 'containerd'],
];

function vendorSystem(s: string | undefined): string | undefined {
  const v = s?.trim();
  if (!v) return undefined;
  return VENDORS.find(([re]) => re.test(v))?.[1];
}

/** File system type of the mount at `/` (the last one, if several are stacked). */
export function rootFsType(mountinfo: string | undefined): string | undefined {
  let fs: string | undefined;
  for (const line of (mountinfo ?? '').split('\n')) {
    const f = line.split(' ');
    if (f[4] !== '/') continue;
    const sep = f.indexOf('-', 6);
    if (sep > 0) fs = f[sep + 1];
  }
  return fs;
}

async function container(files: HostFiles): Promise<string | undefined> {
  if (await files.exists('/run/.containerenv')) return 'podman';
  const env = (await files.text('/proc/1/environ')) ?? '';
  const fromEnv = /(?:^|\0)container=([^\0]+)/.exec(env)?.[1];
  if (fromEnv) return fromEnv;
  const cgroup = (await files.text('/proc/self/cgroup')) ?? '';
  for (const [re, name] of CONTAINER_CGROUPS) if (re.test(cgroup)) return name;
  // /.dockerenv alone is not proof: VM images built from a container image keep it (this very
  // Firecracker VM does). Docker's root file system is an overlay, a VM's is a block device.
  if (await files.exists('/.dockerenv')) {
    const fs = rootFsType(await files.text('/proc/self/mountinfo'));
    if (fs === 'overlay' || fs === 'aufs' || fs === 'fuse-overlayfs') return 'docker';
  }
  return undefined;
}

async function hypervisor(files: HostFiles): Promise<string | undefined> {
  const clocks =
    (await files.text('/sys/devices/system/clocksource/clocksource0/available_clocksource')) ?? '';
  const kvmClock = /\bkvm-clock\b/.test(clocks);
  // The ACPI OEM ID (bytes 10..15 of any table header) names the VMM, even without DMI.
  const dsdt = await files.read('/sys/firmware/acpi/tables/DSDT');
  let found = dsdt && dsdt.length >= 16 ? vendorSystem(dsdt.toString('latin1', 10, 16)) : undefined;
  for (const f of ['sys_vendor', 'product_name', 'bios_vendor', 'board_vendor']) {
    if (found) break;
    found = vendorSystem(await files.text(`/sys/class/dmi/id/${f}`));
  }
  // QEMU firmware with a KVM clock is QEMU accelerated by KVM, which Skydive calls kvm.
  if (found === 'qemu' && kvmClock) return 'kvm';
  if (found) return found;
  const hv = (await files.text('/sys/hypervisor/type'))?.trim();
  if (hv) return hv;
  if (kvmClock) return 'kvm';
  if (/\bhyperv_clocksource/.test(clocks)) return 'hyperv';
  if (/\bxen\b/.test(clocks)) return 'xen';
  return undefined;
}

/** Detects the virtualization layer closest to the agent; empty when on bare metal. */
export async function detectVirtualization(
  files: HostFiles,
  cpuinfo: string | undefined,
): Promise<Virtualization> {
  const c = await container(files);
  if (c) return { VirtualizationSystem: c, VirtualizationRole: 'guest' };
  if ((await files.text('/proc/xen/capabilities'))?.includes('control_d'))
    return { VirtualizationSystem: 'xen', VirtualizationRole: 'host' };
  const flagged = /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo ?? '');
  const hv = await hypervisor(files);
  if (flagged || hv) {
    const out: Virtualization = { VirtualizationRole: 'guest' };
    if (hv) out.VirtualizationSystem = hv;
    return out;
  }
  if (await files.exists('/dev/kvm'))
    return { VirtualizationSystem: 'kvm', VirtualizationRole: 'host' };
  return {};
}
