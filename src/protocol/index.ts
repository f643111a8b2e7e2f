// SPDX-License-Identifier: Apache-2.0
// Public surface of the wire formats: WS envelope (JSON and protobuf), message names and payloads,
// element JSON and its schemas, REST bodies. Import from here, not from the files.

export * from './messages.js';
export * from './ws-message.js';
export * from './protobuf.js';
export * from './envelope.js';
export * from './element-json.js';
export * from './schemas.js';
export * from './rest.js';
export * from './history.js';
