// SPDX-License-Identifier: Apache-2.0
// pcapng: sections (SHB, either byte order), interfaces (IDB with link type, snap length,
// if_tsresol, if_tsoffset), packets (EPB, SPB, obsolete OPB); other blocks skipped by length.
import type { BatchSink } from './sink.js';

export const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_OPB = 2;
const BT_SPB = 3;
const BT_ISB = 5;
const BT_EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Largest block we accept; anything bigger is treated as damage. */
const MAX_BLOCK = 16 * 1024 * 1024;

interface Iface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per microsecond (1 for the default 10^-6 resolution). */
  unitsPerMicro: number;
  /** if_tsoffset in microseconds. */
  offsetMicros: number;
}

/** Streaming parser for pcapng (see PcapReader for the chunk handling). */
export class PcapngParser {
  private le = true;
  private inSection = false;
  private ifaces: Iface[] = [];
  private resyncing = false;

  constructor(private readonly sink: BatchSink) {}

  /** Link types of the interfaces of the current section. */
  get linkTypes(): number[] {
    return this.ifaces.map((i) => i.linkType);
  }

  /** Parses whole blocks of buf[pos, end); returns the position of the first unparsed byte. */
  parse(buf: Uint8Array, pos: number, end: number, base: number): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (end - pos >= 12) {
      if (this.resyncing) {
        const p = this.resync(dv, pos, end);
        this.sink.stats.skippedBytes += p - pos;
        pos = p;
        if (this.resyncing) return pos;
        this.sink.note(base + pos, 'resync', `pcapng blocks resume at byte ${base + pos}`);
        continue;
      }
      const type = dv.getUint32(pos, this.le);
      if (type === BT_SHB) {
        // The byte order is that of the section this header opens.
        const bom = dv.getUint32(pos + 8, true);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else {
          this.damaged(base + pos, 'bad-block', `pcapng section header with bad byte-order magic`);
          pos += 4;
          continue;
        }
      }
      const len = dv.getUint32(pos + 4, this.le);
      if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) {
        this.damaged(
          base + pos,
          'bad-length',
          `pcapng block at byte ${base + pos} has length ${len}`,
        );
        pos += 4;
        continue;
      }
      if (end - pos < len) return pos;
      if (dv.getUint32(pos + len - 4, this.le) !== len) {
        this.damaged(
          base + pos,
          'bad-length',
          `pcapng block at byte ${base + pos}: trailing length differs from ${len}`,
        );
        pos += 4;
        continue;
      }
      this.block(buf, dv, type, pos, len, base);
      pos += len;
    }
    return pos;
  }

  /** End of stream with `left` unparsed bytes at stream offset `offset`. */
  finish(left: number, offset: number): void {
    if (left === 0) return;
    if (this.resyncing) {
      this.sink.stats.skippedBytes += left;
      return;
    }
    this.sink.error(
      offset,
      'truncated',
      `pcapng block at byte ${offset} is truncated: the stream ends ${left} bytes into it`,
    );
  }

  private damaged(offset: number, kind: 'bad-block' | 'bad-length', message: string): void {
    this.sink.error(offset, kind, message);
    this.resyncing = true;
    this.sink.stats.skippedBytes += 4;
  }

  /** Next 4-byte step where a known block type with a sane length starts, else where to go on. */
  private resync(dv: DataView, pos: number, end: number): number {
    let p = pos;
    for (; end - p >= 12; p += 4) {
      const type = dv.getUint32(p, this.le);
      if (type !== BT_SHB && (type < 1 || type > 6)) continue;
      const len = dv.getUint32(p + 4, type === BT_SHB ? shbEndian(dv, p) : this.le);
      if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) continue;
      if (end - p < len) {
        this.resyncing = false; // let parse() wait for it and check its trailing length
        return p;
      }
      if (dv.getUint32(p + len - 4, type === BT_SHB ? shbEndian(dv, p) : this.le) !== len) continue;
      this.resyncing = false;
      return p;
    }
    return p;
  }

  private block(buf: Uint8Array, dv: DataView, type: number, p: number, len: number, base: number) {
    const le = this.le;
    switch (type) {
      case BT_SHB:
        this.inSection = true;
        this.ifaces = [];
        this.sink.stats.sections++;
        return;
      case BT_IDB:
        this.ifaces.push(readIdb(dv, p, len, le));
        return;
      case BT_EPB: {
        if (len < 32) return this.short(base + p, 'enhanced packet');
        const iface = this.iface(dv.getUint32(p + 8, le), base + p);
        if (!iface) return;
        const ts = dv.getUint32(p + 12, le) * 4294967296 + dv.getUint32(p + 16, le);
        const cap = dv.getUint32(p + 20, le);
        const wire = dv.getUint32(p + 24, le);
        this.packet(buf, iface, p + 28, cap, wire, ts, p + len - 4, base + p);
        return;
      }
      case BT_SPB: {
        if (len < 16) return this.short(base + p, 'simple packet');
        const iface = this.iface(0, base + p);
        if (!iface) return;
        const wire = dv.getUint32(p + 8, le);
        let cap = Math.min(wire, len - 16);
        if (iface.snaplen > 0) cap = Math.min(cap, iface.snaplen);
        this.packet(buf, iface, p + 12, cap, wire, Number.NaN, p + len - 4, base + p);
        return;
      }
      case BT_OPB: {
        if (len < 32) return this.short(base + p, 'packet');
        const iface = this.iface(dv.getUint16(p + 8, le), base + p);
        if (!iface) return;
        this.sink.stats.fileDrops += dv.getUint16(p + 10, le);
        const ts = dv.getUint32(p + 12, le) * 4294967296 + dv.getUint32(p + 16, le);
        const cap = dv.getUint32(p + 20, le);
        const wire = dv.getUint32(p + 24, le);
        this.packet(buf, iface, p + 28, cap, wire, ts, p + len - 4, base + p);
        return;
      }
      case BT_ISB:
        this.sink.stats.fileDrops += isbDrops(dv, p, len, le);
        this.sink.stats.skippedBlocks++;
        return;
      default:
        this.sink.stats.skippedBlocks++;
    }
  }

  private packet(
    buf: Uint8Array,
    iface: Iface,
    start: number,
    cap: number,
    wire: number,
    ts: number,
    limit: number,
    offset: number,
  ): void {
    if (start + cap > limit) {
      this.sink.error(offset, 'bad-length', `pcapng packet at byte ${offset} overruns its block`);
      return;
    }
    const micros = Number.isNaN(ts) ? 0 : Math.floor(ts / iface.unitsPerMicro) + iface.offsetMicros;
    this.sink.record(iface.linkType, buf, start, cap, micros, Math.max(wire, cap));
  }

  private iface(id: number, offset: number): Iface | undefined {
    const i = this.ifaces[id];
    if (!i || !this.inSection)
      this.sink.error(
        offset,
        'unknown-interface',
        `pcapng packet at byte ${offset}: no interface ${id}`,
      );
    return i;
  }

  private short(offset: number, what: string): void {
    this.sink.error(offset, 'bad-block', `pcapng ${what} block at byte ${offset} is too short`);
  }
}

function shbEndian(dv: DataView, p: number): boolean {
  return dv.getUint32(p + 8, true) === BYTE_ORDER_MAGIC;
}

/** Reads an Interface Description Block's link type, snap length and timestamp options. */
function readIdb(dv: DataView, p: number, len: number, le: boolean): Iface {
  const iface: Iface = {
    linkType: len >= 20 ? dv.getUint16(p + 8, le) : 1,
    snaplen: len >= 20 ? dv.getUint32(p + 12, le) : 0,
    unitsPerMicro: 1,
    offsetMicros: 0,
  };
  forEachOption(dv, p + 16, p + len - 4, le, (code, at, olen) => {
    if (code === 9 && olen >= 1) {
      const v = dv.getUint8(at);
      const unitsPerSecond = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
      iface.unitsPerMicro = unitsPerSecond / 1e6;
    } else if (code === 14 && olen >= 8) {
      const hi = dv.getInt32(le ? at + 4 : at, le);
      const lo = dv.getUint32(le ? at : at + 4, le);
      iface.offsetMicros = (hi * 4294967296 + lo) * 1e6;
    }
  });
  return iface;
}

/** isb_ifdrop (option 5) of an Interface Statistics Block, or 0. */
function isbDrops(dv: DataView, p: number, len: number, le: boolean): number {
  let drops = 0;
  forEachOption(dv, p + 20, p + len - 4, le, (code, at, olen) => {
    if (code === 5 && olen >= 8) {
      const hi = dv.getUint32(le ? at + 4 : at, le);
      const lo = dv.getUint32(le ? at : at + 4, le);
      drops += hi * 4294967296 + lo;
    }
  });
  return drops;
}

function forEachOption(
  dv: DataView,
  from: number,
  to: number,
  le: boolean,
  fn: (code: number, at: number, len: number) => void,
): void {
  let q = from;
  while (to - q >= 4) {
    const code = dv.getUint16(q, le);
    const olen = dv.getUint16(q + 2, le);
    if (code === 0 || q + 4 + olen > to) return;
    fn(code, q + 4, olen);
    q += 4 + ((olen + 3) & ~3);
  }
}
