// SPDX-License-Identifier: Apache-2.0
// DNS header strings as gopacket prints them (Skydive's flows carry them verbatim), and a
// compression-pointer chain that gopacket still follows.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseDNS } from './extra-layers.js';

/** A DNS header with no records: id 7, the given opcode and response code. */
function header(opcode: number, rcode: number): Uint8Array {
  const b = new Uint8Array(12);
  b[1] = 7;
  b[2] = 0x80 | (opcode << 3);
  b[3] = rcode;
  return b;
}

it('names opcodes and response codes with gopacket strings', () => {
  const cases: [number, number, string, string][] = [
    [0, 0, 'Query', 'No Error'],
    [1, 2, 'Inverse Query', 'Server Failure '],
    [5, 5, 'Update', 'Query Refused'],
    [3, 11, 'Unknown', 'Unknown'],
  ];
  for (const [op, rc, opName, rcName] of cases) {
    const d = parseDNS(header(op, rc), 0, 12, 0);
    assert.equal(d?.op_code, opName, `opcode ${op}`);
    assert.equal(d?.response_code, rcName, `rcode ${rc}`);
  }
});

it('follows a chain of 40 compression pointers to the name', () => {
  // Question name: pointer → pointer → … → "a" label; gopacket allows 255 levels.
  const hops = 40;
  const b = new Uint8Array(12 + hops * 2 + 3 + 4);
  b[5] = 1; // QDCOUNT 1
  const labelAt = 12 + hops * 2;
  for (let i = 0; i < hops; i++) {
    const target = i === hops - 1 ? labelAt : 12 + (i + 1) * 2;
    b[12 + i * 2] = 0xc0 | (target >> 8);
    b[12 + i * 2 + 1] = target & 0xff;
  }
  b.set([1, 0x61, 0], labelAt);
  // The question starts with the first pointer; type and class follow the pointer (2 bytes).
  const q = new Uint8Array(b.length + 4);
  q.set(b.subarray(0, 14));
  q.set([0, 1, 0, 1], 14);
  q.set(b.subarray(14), 18);
  // Pointers after the question moved by 4 bytes: rebuild them against the new layout.
  for (let i = 1; i < hops; i++) {
    const at = 18 + (i - 1) * 2;
    const target = i === hops - 1 ? labelAt + 4 : 18 + i * 2;
    q[at] = 0xc0 | (target >> 8);
    q[at + 1] = target & 0xff;
  }
  q[12] = 0xc0;
  q[13] = 18;
  const d = parseDNS(q, 0, q.length, 0);
  assert.ok(d, 'parsed');
  assert.equal(d.questions?.[0]?.name, 'a');
});
