// SPDX-License-Identifier: Apache-2.0
// The WebSocket envelope "StructMessage" (skydive-compat §2.3) and its JSON form: one message per
// text frame, empty header fields omitted, `Obj` always present. The protobuf form is in protobuf.ts.

import { InvalidArgumentError } from '../graph/errors.js';
import { describe } from './describe.js';

/** Error code of a WS envelope that does not decode (bad JSON, wrong field type, bad protobuf). */
export const ERR_INVALID_MESSAGE = 'SKY_ERR_INVALID_MESSAGE';

/**
 * One WebSocket message. A reply reuses the request's `Namespace` and `UUID`, with its own `Type`
 * and `Status` (HTTP-like; 200 for success). `Obj` is the decoded payload: any JSON value, or the raw
 * bytes of a protobuf payload (`Flow` namespace, envelope Format=Protobuf).
 */
export interface StructMessage<T = unknown> {
  Namespace: string;
  Type: string;
  UUID: string;
  Status: number;
  Obj: T;
}

/**
 * Builds a message; `UUID` defaults to a random v4 and `Status` to 200, as Skydive's
 * `NewStructMessage` does.
 * @example newStructMessage('Graph', 'SyncRequest', { GremlinFilter: null })
 */
export function newStructMessage<T>(
  namespace: string,
  type: string,
  obj: T,
  uuid: string = globalThis.crypto.randomUUID(),
): StructMessage<T> {
  return { Namespace: namespace, Type: type, UUID: uuid, Status: 200, Obj: obj };
}

/** The reply to `request`: same Namespace and UUID, the given Type, Status and payload. */
export function replyTo<T>(
  request: StructMessage,
  type: string,
  obj: T,
  status = 200,
): StructMessage<T> {
  return {
    Namespace: request.Namespace,
    Type: type,
    UUID: request.UUID,
    Status: status,
    Obj: obj,
  };
}

/**
 * JSON text of a message: `Namespace`, `Type`, `UUID` omitted when empty, `Status` when 0, `Obj`
 * always present (`null` when undefined). Key order follows Skydive.
 */
export function encodeStructMessageJSON(msg: StructMessage): string {
  const out: Record<string, unknown> = {};
  if (msg.Namespace) out['Namespace'] = msg.Namespace;
  if (msg.Type) out['Type'] = msg.Type;
  if (msg.UUID) out['UUID'] = msg.UUID;
  if (msg.Status) out['Status'] = msg.Status;
  out['Obj'] = msg.Obj === undefined ? null : msg.Obj;
  return JSON.stringify(out);
}

const utf8 = new TextDecoder();

/**
 * Decodes a JSON envelope (text, or bytes of a binary frame). Unknown keys are ignored; missing
 * fields default to `''`, `0` and `null`.
 * @throws InvalidArgumentError (SKY_ERR_INVALID_MESSAGE) on malformed JSON or a field of the wrong
 *   type, naming the field.
 */
export function decodeStructMessageJSON(data: string | Uint8Array): StructMessage {
  const text = typeof data === 'string' ? data : utf8.decode(data);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(
      ERR_INVALID_MESSAGE,
      `invalid JSON message: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidArgumentError(
      ERR_INVALID_MESSAGE,
      `invalid JSON message: expected an object, got ${describe(raw)}`,
    );
  }
  const o = raw as Record<string, unknown>;
  return {
    Namespace: stringField(o, 'Namespace'),
    Type: stringField(o, 'Type'),
    UUID: stringField(o, 'UUID'),
    Status: statusField(o),
    Obj: o['Obj'] === undefined ? null : o['Obj'],
  };
}

function stringField(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') {
    throw new InvalidArgumentError(
      ERR_INVALID_MESSAGE,
      `invalid JSON message: ${key} must be a string, got ${describe(v)}`,
    );
  }
  return v;
}

function statusField(o: Record<string, unknown>): number {
  const v = o['Status'];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new InvalidArgumentError(
      ERR_INVALID_MESSAGE,
      `invalid JSON message: Status must be an integer, got ${describe(v)}`,
    );
  }
  return v;
}
