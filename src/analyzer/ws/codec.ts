// SPDX-License-Identifier: Apache-2.0
// Frames ↔ StructMessage for one connection (skydive-compat §2.3): JSON text frames or protobuf
// binary frames on output per X-Client-Protocol; either kind accepted on input. Encodes once per
// protocol so one graph event fanned out to many peers is serialised at most twice.
import { decodeStructMessageProto, encodeStructMessageProto } from '../../protocol/protobuf.js';
import {
  decodeStructMessageJSON,
  encodeStructMessageJSON,
  type StructMessage,
} from '../../protocol/ws-message.js';

/** Wire encoding of a connection (`X-Client-Protocol`; empty or absent means JSON). */
export type WireProtocol = 'json' | 'protobuf';

const OPEN_BRACE = 0x7b;

/** True when binary bytes look like JSON text rather than a protobuf envelope. */
function looksLikeJSON(data: Uint8Array): boolean {
  for (const b of data) {
    if (b === 0x20 || b === 0x09 || b === 0x0d) continue;
    return b === OPEN_BRACE;
  }
  return false;
}

/**
 * Decodes one received frame. Text frames are JSON. Binary frames are protobuf envelopes unless
 * they start with `{` (Skydive's flow client announces JSON and sends binary frames, §10; a JSON
 * client may also send its text as a binary frame). A protobuf envelope cannot start with `{`
 * (field 15, wire type 3), so the guess is unambiguous.
 * @throws InvalidArgumentError (SKY_ERR_INVALID_MESSAGE / SKY_ERR_PROTOBUF) on undecodable bytes.
 */
export function decodeFrame(data: Buffer, isBinary: boolean): StructMessage {
  if (!isBinary || looksLikeJSON(data)) return decodeStructMessageJSON(data);
  return decodeStructMessageProto(data);
}

/**
 * A message on its way out, with its encodings memoised. Encode while the payload is current: a
 * payload may reference live graph metadata, so `frame()` must be called synchronously with the
 * event that produced it (the connection does so when enqueuing).
 */
export class Outgoing {
  private json: Buffer | undefined;
  private proto: Buffer | undefined;
  constructor(readonly msg: StructMessage) {}

  get namespace(): string {
    return this.msg.Namespace;
  }

  /** The frame payload for a protocol: UTF-8 JSON text, or protobuf envelope bytes. */
  frame(protocol: WireProtocol): Buffer {
    if (protocol === 'json') return (this.json ??= Buffer.from(encodeStructMessageJSON(this.msg)));
    if (this.proto === undefined) {
      const u = encodeStructMessageProto(this.msg);
      this.proto = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    }
    return this.proto;
  }
}
