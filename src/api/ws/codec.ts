// SPDX-License-Identifier: Apache-2.0
// Frames ↔ StructMessage for one connection (skydive-compat §2.3): JSON text frames or protobuf
// binary frames on output per X-Client-Protocol; either kind accepted on input. Encodes once per
// protocol so one graph event fanned out to many peers is serialised at most twice.
import { encodeStructMessageProto } from '../../protocol/protobuf.js';
import { encodeStructMessageJSON, type StructMessage } from '../../protocol/ws-message.js';

/** Wire encoding of a connection (`X-Client-Protocol`; empty or absent means JSON). */
export type WireProtocol = 'json' | 'protobuf';

/** Decodes one received frame, text or binary (defined with the envelope codecs). */
export { decodeFrame } from '../../protocol/envelope.js';

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
