// SPDX-License-Identifier: Apache-2.0
// The JSON frame of a Graph element event (NodeAdded, EdgeDeleted…) written as UTF-8 bytes straight
// into a shared arena: the same bytes as encoding the envelope of nodeToJSON/edgeToJSON, without
// building either object or any intermediate string (one graph event costs one Buffer view).
import { randomFillSync } from 'node:crypto';
import { metadataJSON } from '../../graph/emitter.js';
import type { GraphElement } from '../../graph/types.js';

/** Bytes of a fresh arena chunk. Frames are never moved: a queued frame keeps its chunk alive. */
const CHUNK = 256 * 1024;
let arena = Buffer.allocUnsafeSlow(CHUNK);
let pos = 0;

/** Makes sure `max` bytes are free at `pos`, starting a new chunk when they are not. */
function reserve(max: number): void {
  if (pos + max <= arena.length) return;
  arena = Buffer.allocUnsafeSlow(Math.max(CHUNK, max));
  pos = 0;
}

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const OBJ_ID = ascii('","Status":200,"Obj":{"ID":');
const METADATA = ascii(',"Metadata":');
const HOST = ascii(',"Host":');
const ORIGIN = ascii(',"Origin":');
const CREATED = ascii(',"CreatedAt":');
const UPDATED = ascii(',"UpdatedAt":');
const DELETED = ascii(',"DeletedAt":');
const REVISION = ascii(',"Revision":');
const PARENT = ascii(',"Parent":');
const CHILD = ascii(',"Child":');
const NULL = ascii('null');

// Per message type, the envelope up to the UUID's opening quote (key order of the envelope codec).
const prefixes = new Map<string, Buffer>();
function prefix(type: string): Buffer {
  let p = prefixes.get(type);
  if (p === undefined) {
    p = Buffer.from(`{"Namespace":"Graph","Type":${JSON.stringify(type)},"UUID":"`);
    prefixes.set(type, p);
  }
  return p;
}

// Small pieces are copied by JavaScript loops: a native write costs more per call than the bytes.
function put(b: Buffer): void {
  const a = arena;
  let p = pos;
  for (let i = 0; i < b.length; i++) a[p++] = b[i] as number;
  pos = p;
}

/** Strings up to this length are written by a JavaScript loop rather than a native write. */
const LOOP_MAX = 256;

/** Upper bound of the UTF-8 bytes of JSON.stringify(s). */
function stringBound(s: string): number {
  return s.length * 6 + 2;
}

/**
 * Writes `s` as JSON text inside quotes when it is short and plain ASCII (no quote, backslash or
 * control character); returns false, having written nothing, otherwise.
 */
function putPlainASCII(s: string): boolean {
  const n = s.length;
  if (n > LOOP_MAX) return false;
  const a = arena;
  const p = pos;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) return false;
    a[p + i] = c;
  }
  pos = p + n;
  return true;
}

/** Writes JSON.stringify(s). */
function putString(s: string): void {
  arena[pos++] = 0x22;
  if (!putPlainASCII(s)) {
    const q = JSON.stringify(s);
    pos += arena.write(q.slice(1, -1), pos, 'utf8');
  }
  arena[pos++] = 0x22;
}

/** Writes JSON text (already escaped). */
function putJSON(text: string): void {
  const n = text.length;
  if (n <= LOOP_MAX) {
    const a = arena;
    const p = pos;
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) break;
      a[p + i] = c;
    }
    if (i === n) {
      pos = p + n;
      return;
    }
  }
  pos += arena.write(text, pos, 'utf8');
}

/** Writes a non-negative int32 in decimal, at least `width` digits (zero-padded). */
function putUint32(v: number, width: number): void {
  let digits = 1;
  for (let x = v; x >= 10; x = (x / 10) | 0) digits++;
  if (digits < width) digits = width;
  const a = arena;
  let q = pos + digits;
  let x = v;
  for (let i = 0; i < digits; i++) {
    const d = (x / 10) | 0;
    a[--q] = 0x30 + x - d * 10;
    x = d;
  }
  pos += digits;
}

// The last number written and where: times repeat from one element to the next.
let lastNumber = NaN;
let lastStart = 0;
let lastEnd = 0;
let lastArena = arena;

/** Writes a number as JSON.stringify writes it. */
function putNumber(n: number): void {
  if (n === lastNumber && lastArena === arena) {
    arena.copyWithin(pos, lastStart, lastEnd);
    pos += lastEnd - lastStart;
    return;
  }
  const start = pos;
  if (n >= 0 && n <= 0x7fffffff && Number.isInteger(n)) putUint32(n, 1);
  else if (n > 0 && Number.isSafeInteger(n)) {
    const hi = Math.floor(n / 1e8);
    putUint32(hi, 1);
    putUint32(n - hi * 1e8, 8);
  } else pos += arena.write(JSON.stringify(n), pos, 'latin1');
  lastNumber = n;
  lastStart = start;
  lastEnd = pos;
  lastArena = arena;
}

/** A time as the element JSON has it: null when unset or 0, else the number. */
function putTime(t: number | undefined): void {
  if (t) putNumber(t);
  else put(NULL);
}

// Random bytes for version 4 UUIDs, drawn from the CSPRNG 256 UUIDs at a time.
const random = new Uint8Array(4096);
let randomPos = random.length;
const HEX = ascii('0123456789abcdef');

/** Writes a fresh random (version 4) UUID in its 36-character form. */
function putRandomUUID(): void {
  if (randomPos === random.length) {
    randomFillSync(random);
    randomPos = 0;
  }
  for (let i = 0; i < 16; i++) {
    let v = random[randomPos + i] as number;
    if (i === 6) v = (v & 0x0f) | 0x40;
    else if (i === 8) v = (v & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) arena[pos++] = 0x2d;
    arena[pos++] = HEX[v >> 4] as number;
    arena[pos++] = HEX[v & 15] as number;
  }
  randomPos += 16;
}

/** Offset of the UUID in a frame built by elementEventFrame (after the type's prefix). */
export function uuidOffset(type: string): number {
  return prefix(type).length;
}

/** Bytes of the RFC 6455 header in front of a framed payload (`framed` from elementEventFrame). */
export function headerLength(framed: Buffer): number {
  const len = (framed[1] as number) & 0x7f;
  return len < 126 ? 2 : len === 126 ? 4 : 10;
}

/**
 * The JSON of the Graph message `type` carrying `el` (status 200), byte for byte what
 * `encodeStructMessageJSON(newStructMessage('Graph', type, nodeToJSON(el) or edgeToJSON(el), uuid))`
 * gives, framed as one final unmasked WebSocket text frame (RFC 6455 §5.2, header included: the
 * payload starts at `headerLength(frame)`); without `uuid`, a fresh random one is written (read it
 * back at `uuidOffset(type)` of the payload). Frames written one after the other are adjacent in
 * memory unless a chunk ends between them, so a run of them can be sent without copying.
 */
export function elementEventFrame(type: string, el: GraphElement, uuid?: string): Buffer {
  const meta = metadataJSON(el);
  const pre = prefix(type);
  let max =
    pre.length +
    (uuid === undefined ? 36 : stringBound(uuid)) +
    stringBound(el.id) +
    meta.length * 3 +
    stringBound(el.host) +
    stringBound(el.origin) +
    4 * 24 +
    160;
  if (el.kind === 'edge') max += stringBound(el.parent) + stringBound(el.child);
  // room for the header: 4 bytes (16-bit length) unless the payload may reach 64 KiB (10 bytes)
  const room = max < 65536 ? 4 : 10;
  reserve(room + max);
  const start = pos;
  pos += room;
  put(pre);
  if (uuid === undefined) putRandomUUID();
  else {
    // the prefix holds the opening quote: write the string, then step back over its own quotes
    pos--;
    putString(uuid);
    pos--;
  }
  put(OBJ_ID);
  putString(el.id);
  put(METADATA);
  putJSON(meta);
  put(HOST);
  putString(el.host);
  put(ORIGIN);
  putString(el.origin);
  put(CREATED);
  putTime(el.createdAt);
  put(UPDATED);
  putTime(el.updatedAt);
  put(DELETED);
  putTime(el.deletedAt);
  put(REVISION);
  putNumber(el.revision);
  if (el.kind === 'edge') {
    put(PARENT);
    putString(el.parent);
    put(CHILD);
    putString(el.child);
  }
  arena[pos++] = 0x7d;
  arena[pos++] = 0x7d;
  const len = pos - start - room;
  const header = len < 126 ? 2 : len < 65536 ? 4 : 10;
  if (header < room) {
    // the payload moves back so that the frame has no gap before the next one
    const shift = room - header;
    arena.copyWithin(start + header, start + room, pos);
    pos -= shift;
    // the number putNumber may copy again moved with the payload
    if (lastArena === arena && lastStart >= start + room) {
      lastStart -= shift;
      lastEnd -= shift;
    }
  }
  arena[start] = 0x81;
  if (header === 2) arena[start + 1] = len;
  else if (header === 4) {
    arena[start + 1] = 126;
    arena.writeUInt16BE(len, start + 2);
  } else {
    arena[start + 1] = 127;
    arena.writeUInt32BE(Math.floor(len / 0x100000000), start + 2);
    arena.writeUInt32BE(len >>> 0, start + 6);
  }
  return arena.subarray(start, pos);
}
