// SPDX-License-Identifier: Apache-2.0
// Layer names and Skydive's LayersPath rules (skipped LinuxSLL, invisible ERSPAN II, stop at Payload).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  createDecodedFrame,
  findLastLayer,
  findLayer,
  Layer,
  LAYER_NAMES,
  layersPath,
} from './layers.js';
import type { DecodedFrame } from './layers.js';

function frameOf(...types: number[]): DecodedFrame {
  const f = createDecodedFrame();
  types.forEach((t, k) => (f.types[k] = t));
  f.count = types.length;
  return f;
}

it('names layers as gopacket does', () => {
  assert.equal(LAYER_NAMES[Layer.Ethernet], 'Ethernet');
  assert.equal(LAYER_NAMES[Layer.VRRPv2], 'VRRP');
  assert.equal(LAYER_NAMES[Layer.Fragment], 'Fragment');
  assert.equal(LAYER_NAMES[Layer.LinuxSLL], 'Linux SLL');
  assert.ok(Object.values(Layer).every((c) => (LAYER_NAMES[c] ?? '') !== ''));
});

it('builds LayersPath per encapsulation level', () => {
  const f = frameOf(Layer.Ethernet, Layer.Dot1Q, Layer.IPv4, Layer.ICMPv4, Layer.Payload);
  assert.equal(layersPath(f), 'Ethernet/Dot1Q/IPv4/ICMPv4');
  const g = frameOf(
    Layer.Ethernet,
    Layer.IPv4,
    Layer.GRE,
    Layer.ERSPANII,
    Layer.Ethernet,
    Layer.IPv4,
  );
  assert.equal(layersPath(g, 0, 3), 'Ethernet/IPv4/GRE');
  assert.equal(layersPath(g, 3), 'Ethernet/IPv4');
  assert.equal(layersPath(frameOf(Layer.LinuxSLL, Layer.IPv4, Layer.TCP)), '/IPv4/TCP');
  assert.equal(findLayer(g, Layer.IPv4), 1);
  assert.equal(findLastLayer(g, Layer.IPv4), 5);
  assert.equal(findLayer(g, Layer.UDP), -1);
});
