// SPDX-License-Identifier: Apache-2.0
// The hardware probe on recorded host files (fixtures/firecracker-vm, captured on the project's
// Firecracker VM) and on small synthesized trees for the other virtualization layers.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { Graph, type PartialOp } from '../../graph/index.js';
import { ProbeBundle } from '../bundle.js';
import {
  collectHardware,
  detectVirtualization,
  hardwareProbe,
  hostFiles,
  parseCpuInfo,
  parseCpuList,
  parseKernelCmdLine,
  platformInfo,
} from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const firecracker = join(here, 'fixtures', 'firecracker-vm');
const host = { os: 'linux', kernelRelease: '6.18.44-fc-v657' };

const temps: string[] = [];
after(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

/** Writes a small host tree (path → content) into a temporary directory. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'sktest-hw-'));
  temps.push(root);
  for (const [p, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), content);
  }
  return root;
}

describe('#collectHardware', () => {
  it('reads every host fact from the recorded Firecracker VM', async () => {
    const md = await collectHardware(hostFiles(firecracker), host);
    assert.equal(md.CPU?.length, 2);
    assert.deepEqual(md.CPU?.[1], {
      CPU: 1,
      VendorID: 'AuthenticAMD',
      Family: '26',
      Model: '2',
      ModelName: 'AMD EPYC',
      Stepping: 1,
      Microcode: '0x1000065',
      Mhz: 2596,
      CacheSize: 1024,
      PhysicalID: '0',
      CoreID: '1',
      Cores: 2,
    });
    assert.equal(md.OS, 'linux');
    assert.equal(md.Platform, 'debian');
    assert.equal(md.PlatformFamily, 'debian');
    assert.equal(md.PlatformVersion, '12.11');
    assert.equal(md.KernelVersion, '6.18.44-fc-v657');
    assert.equal(md.KernelCmdLine?.['console'], 'ttyS0');
    assert.equal(md.KernelCmdLine?.['quiet'], true);
    assert.equal(md.KernelCmdLine?.['mitigations'], 'auto,no_guest_host,no_guest_guest');
    assert.equal(md.KernelCmdLine?.['--firecracker-init'], undefined, 'init arguments left out');
    assert.equal(md.VirtualizationSystem, 'firecracker');
    assert.equal(md.VirtualizationRole, 'guest');
    assert.equal(md.InstanceID, '3d1219c7c4c5404aaa1f6d2a48adfda4');
    assert.equal(md.IsolatedCPU, undefined, 'no isolated CPU: key left out');
  });

  it('prefers the cloud-init instance ID and lists isolated CPUs', async () => {
    const root = await tree({
      'var/lib/cloud/data/instance-id': 'i-0123456789\n',
      'etc/machine-id': 'abc\n',
      'sys/devices/system/cpu/isolated': '3,4,7-9,10\n',
    });
    const md = await collectHardware(hostFiles(root), host);
    assert.equal(md.InstanceID, 'i-0123456789');
    assert.deepEqual(md.IsolatedCPU, [3, 4, 7, 8, 9, 10]);
    assert.equal(md.CPU, undefined);
    assert.equal(md.Platform, undefined);
  });
});

describe('#detectVirtualization', () => {
  const flags = 'processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n';

  it('sees docker from /.dockerenv on an overlay root, not on a block device', async () => {
    const mount = (fs: string) =>
      `27 1 0:40 / / rw,relatime - ${fs} ${fs} rw\n28 27 0:41 / /proc rw - proc proc rw\n`;
    const overlay = await tree({ '.dockerenv': '', 'proc/self/mountinfo': mount('overlay') });
    assert.deepEqual(await detectVirtualization(hostFiles(overlay), flags), {
      VirtualizationSystem: 'docker',
      VirtualizationRole: 'guest',
    });
    const vm = await tree({ '.dockerenv': '', 'proc/self/mountinfo': mount('ext4') });
    assert.deepEqual(await detectVirtualization(hostFiles(vm), flags), {
      VirtualizationRole: 'guest',
    });
  });

  it('sees containers from cgroup paths and podman from /run/.containerenv', async () => {
    const lxc = await tree({ 'proc/self/cgroup': '1:cpu:/lxc/c1\n0::/lxc.payload.c1\n' });
    assert.equal((await detectVirtualization(hostFiles(lxc), ''))?.VirtualizationSystem, 'lxc');
    const podman = await tree({ 'run/.containerenv': '' });
    assert.equal(
      (await detectVirtualization(hostFiles(podman), ''))?.VirtualizationSystem,
      'podman',
    );
  });

  it('names the hypervisor from DMI, calling QEMU with a KVM clock kvm', async () => {
    const qemu = await tree({ 'sys/class/dmi/id/sys_vendor': 'QEMU\n' });
    assert.deepEqual(await detectVirtualization(hostFiles(qemu), flags), {
      VirtualizationSystem: 'qemu',
      VirtualizationRole: 'guest',
    });
    const kvm = await tree({
      'sys/class/dmi/id/sys_vendor': 'QEMU\n',
      'sys/devices/system/clocksource/clocksource0/available_clocksource': 'kvm-clock tsc\n',
    });
    assert.equal((await detectVirtualization(hostFiles(kvm), flags)).VirtualizationSystem, 'kvm');
    const vmware = await tree({ 'sys/class/dmi/id/sys_vendor': 'VMware, Inc.\n' });
    assert.equal(
      (await detectVirtualization(hostFiles(vmware), '')).VirtualizationSystem,
      'vmware',
    );
  });

  it('says kvm host on bare metal with /dev/kvm, and nothing without', async () => {
    const metal = await tree({ 'dev/kvm': '', 'sys/class/dmi/id/sys_vendor': 'Dell Inc.\n' });
    assert.deepEqual(await detectVirtualization(hostFiles(metal), 'flags\t: fpu vme\n'), {
      VirtualizationSystem: 'kvm',
      VirtualizationRole: 'host',
    });
    const bare = await tree({ 'etc/hostname': 'x\n' });
    assert.deepEqual(await detectVirtualization(hostFiles(bare), 'flags\t: fpu\n'), {});
  });
});

describe('parsers', () => {
  it('#parseCpuList expands ranges and refuses malformed lists', () => {
    assert.deepEqual(parseCpuList('3,4,7-9,10'), [3, 4, 7, 8, 9, 10]);
    assert.deepEqual(parseCpuList('\n'), []);
    assert.equal(parseCpuList('3,4,9-7,10'), undefined);
    assert.equal(parseCpuList('3,4,7-,10'), undefined);
  });

  it('#parseKernelCmdLine keeps quoted values whole and stops at --', () => {
    assert.deepEqual(parseKernelCmdLine('ro  dyndbg="file a.c +p" root=/dev/vda -- init-arg\n'), {
      ro: true,
      dyndbg: 'file a.c +p',
      root: '/dev/vda',
    });
  });

  it('#platformInfo maps families from ID or ID_LIKE', () => {
    assert.deepEqual(platformInfo('ID=ubuntu\nVERSION_ID="22.04"\n'), {
      Platform: 'ubuntu',
      PlatformFamily: 'debian',
      PlatformVersion: '22.04',
    });
    assert.deepEqual(platformInfo("ID='rocky'\nVERSION_ID=9.3\n").PlatformFamily, 'rhel');
    assert.equal(platformInfo('ID=mydistro\nID_LIKE="rhel fedora"\n').PlatformFamily, 'rhel');
    assert.deepEqual(platformInfo(undefined), {});
  });

  it('#parseCpuInfo reads arm blocks and counts one core when cpu cores is absent', () => {
    const arm = 'processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n';
    assert.deepEqual(parseCpuInfo(arm), [{ CPU: 0, VendorID: '0x41', Model: '0xd0c', Cores: 1 }]);
  });
});

describe('hardwareProbe', () => {
  it('sets every key on the host node in one partial update', async () => {
    const graph = new Graph({ host: 'h', origin: 'agent.h' });
    const root = graph.newNode({ Name: 'h', Type: 'host' });
    const updates: PartialOp[][] = [];
    graph.on('nodeUpdated', (n, ops) => {
      if (n.id === root.id) updates.push([...ops]);
    });
    const logger = pino({ level: 'silent' });
    const bundle = await ProbeBundle.start([hardwareProbe as never], ['hardware'], {
      graph,
      root,
      hostID: 'h',
      logger,
      options: { hardware: { root_path: firecracker } },
    });
    try {
      for (let i = 0; i < 200 && updates.length === 0; i++)
        await new Promise((r) => setTimeout(r, 5));
      assert.equal(updates.length, 1);
      const keys = updates[0]!.map((op) => op.Key).sort();
      assert.ok(keys.includes('CPU') && keys.includes('KernelVersion'), keys.join());
      assert.equal(root.metadata['VirtualizationSystem'], 'firecracker');
      assert.equal(root.metadata['Name'], 'h', 'other keys untouched');
      assert.equal(bundle.status()['hardware']?.State, 'running');
    } finally {
      await bundle.stop();
    }
  });
});
