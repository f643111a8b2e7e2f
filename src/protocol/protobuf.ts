// SPDX-License-Identifier: Apache-2.0
// The protobuf form of the WebSocket envelope (skydive-compat §2.3, structmessage.proto): binary
// frames carrying Namespace/Type/UUID/Status/Format/Obj, Obj being JSON text unless Format=Protobuf.

import { InvalidArgumentError } from '../graph/errors.js';
import { ERR_INVALID_MESSAGE, type StructMessage } from './ws-message.js';
import { ProtoReader, ProtoWriter, WireType } from './proto-wire.js';

export { ProtoReader, ProtoWriter, WireType, varintSize, ERR_PROTOBUF } from './proto-wire.js';

/** `Format` enum of the protobuf envelope: how `Obj` is encoded. */
export const Format = { Json: 0, Protobuf: 1 } as const;
export type FormatValue = (typeof Format)[keyof typeof Format];

const F_NAMESPACE = 1;
const F_TYPE = 2;
const F_UUID = 3;
const F_STATUS = 4;
const F_FORMAT = 5;
const F_OBJ = 6;

const textDecoder = new TextDecoder();

// One writer reused by every encode (encoding is synchronous, so it is never shared mid-message);
// replaced after a very large message so that its buffer is not kept forever.
const WRITER_SIZE = 4096;
const WRITER_KEEP_MAX = 1 << 20;
let writer = new ProtoWriter(WRITER_SIZE);

/**
 * Encodes a message as a protobuf envelope. A `Uint8Array` Obj is sent as is with Format=Protobuf
 * (an already serialised protobuf payload); anything else is JSON text with Format=Json. Proto3
 * defaults (empty strings, 0) are not written.
 */
export function encodeStructMessageProto(msg: StructMessage): Uint8Array {
  const w = writer.reset();
  if (msg.Namespace) w.stringField(F_NAMESPACE, msg.Namespace);
  if (msg.Type) w.stringField(F_TYPE, msg.Type);
  if (msg.UUID) w.stringField(F_UUID, msg.UUID);
  if (msg.Status) w.int64Field(F_STATUS, msg.Status);
  const obj = msg.Obj;
  if (obj instanceof Uint8Array) {
    w.uint32Field(F_FORMAT, Format.Protobuf);
    if (obj.length > 0) w.bytesField(F_OBJ, obj);
  } else {
    // Go's json.Marshal(nil) is "null"; the field is always present for JSON payloads.
    w.stringField(F_OBJ, JSON.stringify(obj === undefined ? null : obj));
  }
  const bytes = w.finish();
  if (bytes.length > WRITER_KEEP_MAX) writer = new ProtoWriter(WRITER_SIZE);
  return bytes;
}

function wrongWireType(field: string, wireType: number): never {
  throw new InvalidArgumentError(
    ERR_INVALID_MESSAGE,
    `invalid protobuf message: wrong wire type ${wireType} for field ${field}`,
  );
}

/**
 * Decodes a protobuf envelope. With Format=Json, Obj is the parsed JSON (empty → `null`); with
 * Format=Protobuf, Obj is the raw payload bytes (a view on `data`). Unknown fields are skipped.
 * @throws InvalidArgumentError: SKY_ERR_PROTOBUF for malformed wire data (truncation...),
 *   SKY_ERR_INVALID_MESSAGE for a wrong field type, unknown Format or invalid JSON in Obj.
 */
export function decodeStructMessageProto(data: Uint8Array): StructMessage {
  const r = new ProtoReader(data);
  let namespace = '';
  let type = '';
  let uuid = '';
  let status = 0;
  let format = 0;
  let obj: Uint8Array | undefined;
  while (r.more()) {
    const tag = r.tag();
    const wt = tag & 7;
    switch (tag >>> 3) {
      case F_NAMESPACE:
        if (wt !== WireType.LengthDelimited) wrongWireType('Namespace', wt);
        namespace = r.string();
        break;
      case F_TYPE:
        if (wt !== WireType.LengthDelimited) wrongWireType('Type', wt);
        type = r.string();
        break;
      case F_UUID:
        if (wt !== WireType.LengthDelimited) wrongWireType('UUID', wt);
        uuid = r.string();
        break;
      case F_STATUS:
        if (wt !== WireType.Varint) wrongWireType('Status', wt);
        status = r.int64();
        break;
      case F_FORMAT:
        if (wt !== WireType.Varint) wrongWireType('Format', wt);
        format = r.int32();
        break;
      case F_OBJ:
        if (wt !== WireType.LengthDelimited) wrongWireType('Obj', wt);
        obj = r.bytes();
        break;
      default:
        r.skip(wt);
    }
  }
  return {
    Namespace: namespace,
    Type: type,
    UUID: uuid,
    Status: status,
    Obj: decodeObj(format, obj),
  };
}

function decodeObj(format: number, obj: Uint8Array | undefined): unknown {
  if (format === Format.Protobuf) return obj ?? new Uint8Array(0);
  if (format !== Format.Json) {
    throw new InvalidArgumentError(
      ERR_INVALID_MESSAGE,
      `invalid protobuf message: unknown Format ${format}`,
    );
  }
  if (obj === undefined || obj.length === 0) return null;
  try {
    return JSON.parse(textDecoder.decode(obj));
  } catch (err) {
    throw new InvalidArgumentError(
      ERR_INVALID_MESSAGE,
      `invalid protobuf message: Obj is not valid JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
