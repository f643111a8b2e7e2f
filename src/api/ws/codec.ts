// SPDX-License-Identifier: Apache-2.0
// Frames ↔ StructMessage for one connection (skydive-compat §2.3): JSON text frames or protobuf
// binary frames on output per X-Client-Protocol; either kind accepted on input. Encodes once per
// protocol so one graph event fanned out to many peers is serialised at most twice.
import type { GraphElement } from '../../graph/types.js';
import { edgeToJSON, nodeToJSON } from '../../protocol/index.js';
import { Namespace } from '../../protocol/messages.js';
import { encodeStructMessageProto } from '../../protocol/protobuf.js';
import {
  encodeStructMessageJSON,
  newStructMessage,
  type StructMessage,
} from '../../protocol/ws-message.js';
import { elementEventFrame, headerLength, uuidOffset } from './element-frame.js';

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
  /** `msg` may be left out by subclasses that build it on demand (`build`). */
  constructor(private msg?: StructMessage) {}

  get namespace(): string {
    return this.message().Namespace;
  }

  /** The message itself. */
  message(): StructMessage {
    return (this.msg ??= this.build());
  }

  /** Builds the message of an Outgoing constructed without one. */
  protected build(): StructMessage {
    throw new Error('Outgoing: no message');
  }

  /** Its JSON text. */
  protected jsonText(): string {
    return encodeStructMessageJSON(this.message());
  }

  /**
   * The JSON frame payload already framed as one final unmasked text frame, when this message
   * has it at hand (its payload is then `frame('json')`); undefined otherwise.
   */
  framedJSON(): Buffer | undefined {
    return undefined;
  }

  /** The frame payload for a protocol: UTF-8 JSON text, or protobuf envelope bytes. */
  frame(protocol: WireProtocol): Buffer {
    if (protocol === 'json') return (this.json ??= Buffer.from(this.jsonText()));
    if (this.proto === undefined) {
      const u = encodeStructMessageProto(this.message());
      this.proto = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    }
    return this.proto;
  }
}

/**
 * A Graph element event (NodeAdded, EdgeDeleted…) with a fresh UUID. Its JSON frame is written
 * from the element's fields (elementEventFrame) and the envelope object is only built for protobuf.
 */
export class ElementOutgoing extends Outgoing {
  /** Drawn when first needed: the JSON frame writes a fresh one itself. */
  private uuid: string | undefined;
  /** The JSON payload and the same bytes framed as a WebSocket text frame. */
  private jsonFrame: Buffer | undefined;
  private jsonFramed: Buffer | undefined;

  constructor(
    private readonly type: string,
    private readonly el: GraphElement,
  ) {
    super();
  }

  override get namespace(): string {
    return Namespace.Graph;
  }

  private uuidText(): string {
    if (this.uuid !== undefined) return this.uuid;
    const at = uuidOffset(this.type);
    const uuid = this.jsonFramed
      ? this.frame('json').toString('latin1', at, at + 36)
      : globalThis.crypto.randomUUID();
    this.uuid = uuid;
    return uuid;
  }

  protected override build(): StructMessage {
    const el = this.el;
    const obj = el.kind === 'node' ? nodeToJSON(el) : edgeToJSON(el);
    return newStructMessage(Namespace.Graph, this.type, obj, this.uuidText());
  }

  override frame(protocol: WireProtocol): Buffer {
    if (protocol !== 'json') return super.frame(protocol);
    if (this.jsonFrame === undefined) {
      const framed = this.framedJSON();
      this.jsonFrame = framed.subarray(headerLength(framed));
    }
    return this.jsonFrame;
  }

  override framedJSON(): Buffer {
    return (this.jsonFramed ??= elementEventFrame(this.type, this.el, this.uuid));
  }
}
