// SPDX-License-Identifier: Apache-2.0
// Picks the envelope codec from the connection's `X-Client-Protocol`: JSON text frames or protobuf
// binary frames (skydive-compat §2.2, §2.3).

import { InvalidArgumentError } from '../graph/errors.js';
import { ClientProtocol, type ClientProtocolName } from './messages.js';
import { decodeStructMessageProto, encodeStructMessageProto } from './protobuf.js';
import {
  ERR_INVALID_MESSAGE,
  decodeStructMessageJSON,
  encodeStructMessageJSON,
  type StructMessage,
} from './ws-message.js';

/**
 * The protocol named by an `X-Client-Protocol` header: empty/absent → `json`.
 * @throws InvalidArgumentError (SKY_ERR_INVALID_MESSAGE) for any other value.
 */
export function parseClientProtocol(value: string | null | undefined): ClientProtocolName {
  if (value === undefined || value === null || value === '' || value === ClientProtocol.JSON) {
    return ClientProtocol.JSON;
  }
  if (value === ClientProtocol.Protobuf) return ClientProtocol.Protobuf;
  throw new InvalidArgumentError(ERR_INVALID_MESSAGE, `protocol not supported: ${value}`);
}

/** Encodes a message for a connection: a string (text frame) for JSON, bytes for protobuf. */
export function encodeStructMessage(
  msg: StructMessage,
  protocol: ClientProtocolName,
): string | Uint8Array {
  return protocol === ClientProtocol.Protobuf
    ? encodeStructMessageProto(msg)
    : encodeStructMessageJSON(msg);
}

const utf8 = new TextEncoder();

/**
 * Decodes a frame received on a connection of the given protocol. A JSON connection accepts text
 * or binary frames; a protobuf connection expects binary frames (a text frame is encoded to UTF-8
 * bytes first, which fails to decode unless it happens to be valid protobuf).
 */
export function decodeStructMessage(
  data: string | Uint8Array,
  protocol: ClientProtocolName,
): StructMessage {
  if (protocol === ClientProtocol.Protobuf) {
    return decodeStructMessageProto(typeof data === 'string' ? utf8.encode(data) : data);
  }
  return decodeStructMessageJSON(data);
}

const OPEN_BRACE = 0x7b;

/** True when binary bytes look like JSON text rather than a protobuf envelope. */
function looksLikeJSON(data: Uint8Array): boolean {
  for (const b of data) {
    if (b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a) continue;
    return b === OPEN_BRACE;
  }
  return false;
}

/**
 * Decodes one received frame whatever the connection announced. Text frames are JSON. Binary
 * frames are protobuf envelopes unless they start with `{` (Skydive's flow client announces JSON
 * and sends binary frames, §10; a JSON client may also send its text as a binary frame). A
 * protobuf envelope cannot start with `{` (field 15, wire type 3), so the guess is unambiguous.
 * @throws InvalidArgumentError (SKY_ERR_INVALID_MESSAGE / SKY_ERR_PROTOBUF) on undecodable bytes.
 */
export function decodeFrame(data: Uint8Array | string, isBinary: boolean): StructMessage {
  if (typeof data === 'string' || !isBinary || looksLikeJSON(data))
    return decodeStructMessageJSON(data);
  return decodeStructMessageProto(data);
}
