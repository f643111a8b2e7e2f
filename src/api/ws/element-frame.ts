// SPDX-License-Identifier: Apache-2.0
// The JSON frame of a Graph element event (NodeAdded, EdgeDeleted…) assembled as text: the same
// bytes as encoding the envelope of nodeToJSON/edgeToJSON, without building either object.
import { metadataJSON } from '../../graph/emitter.js';
import type { GraphElement } from '../../graph/types.js';

// Per message type, the envelope up to the UUID's opening quote (key order of the envelope codec).
const prefixes = new Map<string, string>();
function prefix(type: string): string {
  let p = prefixes.get(type);
  if (p === undefined) {
    p = `{"Namespace":"Graph","Type":${JSON.stringify(type)},"UUID":`;
    prefixes.set(type, p);
  }
  return p;
}

// Host and origin repeat from one element to the next: their quoted form is kept for the last one.
let lastHost = '';
let lastHostJSON = '""';
let lastOrigin = '';
let lastOriginJSON = '""';

function hostJSON(s: string): string {
  if (s !== lastHost) {
    lastHostJSON = JSON.stringify(s);
    lastHost = s;
  }
  return lastHostJSON;
}

function originJSON(s: string): string {
  if (s !== lastOrigin) {
    lastOriginJSON = JSON.stringify(s);
    lastOrigin = s;
  }
  return lastOriginJSON;
}

/** A time as the element JSON has it: null when unset or 0, else the number as JSON writes it. */
function time(t: number | undefined): string {
  return t ? JSON.stringify(t) : 'null';
}

/**
 * JSON text of the Graph message `type` carrying `el` (status 200), byte for byte what
 * `encodeStructMessageJSON(newStructMessage('Graph', type, nodeToJSON(el) or edgeToJSON(el), uuid))`
 * gives. `uuid` must be non-empty.
 */
export function elementEventJSON(type: string, el: GraphElement, uuid: string): string {
  let s =
    prefix(type) +
    JSON.stringify(uuid) +
    ',"Status":200,"Obj":{"ID":' +
    JSON.stringify(el.id) +
    ',"Metadata":' +
    metadataJSON(el) +
    ',"Host":' +
    hostJSON(el.host) +
    ',"Origin":' +
    originJSON(el.origin) +
    ',"CreatedAt":' +
    time(el.createdAt) +
    ',"UpdatedAt":' +
    time(el.updatedAt) +
    ',"DeletedAt":' +
    time(el.deletedAt) +
    ',"Revision":' +
    JSON.stringify(el.revision);
  if (el.kind === 'edge')
    s += ',"Parent":' + JSON.stringify(el.parent) + ',"Child":' + JSON.stringify(el.child);
  return s + '}}';
}
