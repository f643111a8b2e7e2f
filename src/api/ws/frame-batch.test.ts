// SPDX-License-Identifier: Apache-2.0
// FrameBatch: frames of every length class, decoded back by RFC 6455 rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameBatch } from './frame-batch.js';

/** Splits server frames (unmasked) into [opcode, payload]. */
function parse(buf: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  let o = 0;
  while (o < buf.length) {
    const b0 = buf[o++]!;
    assert.equal(b0 & 0x80, 0x80, 'FIN set');
    const b1 = buf[o++]!;
    assert.equal(b1 & 0x80, 0, 'unmasked');
    let len = b1 & 0x7f;
    if (len === 126) {
      len = buf.readUInt16BE(o);
      o += 2;
    } else if (len === 127) {
      len = Number(buf.readBigUInt64BE(o));
      o += 8;
    }
    out.push([b0 & 0x0f, buf.subarray(o, o + len)]);
    o += len;
  }
  return out;
}

describe('FrameBatch', () => {
  it('frames payloads of each length class back to back', () => {
    const payloads = [0, 1, 125, 126, 65535, 65536, 70000].map((n, i) => Buffer.alloc(n, 97 + i));
    const b = new FrameBatch(1);
    assert.equal(b.empty, true);
    for (const p of payloads) b.add(p);
    const total = b.bytes;
    const buf = b.take();
    assert.equal(buf.length, total);
    assert.deepEqual(
      parse(buf),
      payloads.map((p) => [1, p]),
    );
    assert.equal(b.empty, true);
    assert.equal(b.bytes, 0);
  });

  it('uses the binary opcode and forgets cleared frames', () => {
    const b = new FrameBatch(2);
    b.add(Buffer.from('x'));
    b.clear();
    assert.equal(b.empty, true);
    b.add(Buffer.from('yz'));
    assert.deepEqual(parse(b.take()), [[2, Buffer.from('yz')]]);
  });

  it('writes adjacent framed frames as one run without copying, and keeps order with payloads', () => {
    const mem = Buffer.alloc(64);
    const framed = (at: number, text: string): Buffer => {
      mem[at] = 0x81;
      mem[at + 1] = text.length;
      mem.write(text, at + 2, 'latin1');
      return mem.subarray(at, at + 2 + text.length);
    };
    const f1 = framed(0, 'ab');
    const f2 = framed(4, 'cde');
    const f3 = framed(20, 'z');
    const b = new FrameBatch(1);
    b.addFramed(f1);
    b.addFramed(f2);
    assert.equal(b.bytes, 9);
    const one = b.take();
    assert.equal(one.buffer, mem.buffer, 'no copy');
    assert.equal(one.byteOffset, 0);
    assert.deepEqual(parse(one), [
      [1, Buffer.from('ab')],
      [1, Buffer.from('cde')],
    ]);
    assert.equal(b.empty, true);
    // a gap, a payload between runs: copied, in the order added
    b.addFramed(f1);
    b.add(Buffer.from('mid'));
    b.addFramed(f2);
    b.addFramed(f3);
    const bytes = b.bytes;
    const mixed = b.take();
    assert.equal(mixed.length, bytes);
    assert.deepEqual(
      parse(mixed).map(([, p]) => p.toString()),
      ['ab', 'mid', 'cde', 'z'],
    );
    // as parts: the runs stay views of their memory, the payloads between are framed together
    b.addFramed(f1);
    b.add(Buffer.from('m1'));
    b.add(Buffer.from('m2'));
    b.addFramed(f2);
    b.addFramed(f3);
    const parts = b.takeParts();
    assert.equal(parts.length, 4);
    assert.equal(parts[0]!.buffer, mem.buffer);
    assert.notEqual(parts[1]!.buffer, mem.buffer);
    assert.equal(parts[2]!.buffer, mem.buffer);
    assert.deepEqual(
      parse(Buffer.concat(parts)).map(([, p]) => p.toString()),
      ['ab', 'm1', 'm2', 'cde', 'z'],
    );
    assert.equal(b.empty, true);
  });
});
