// SPDX-License-Identifier: Apache-2.0
// Tests of parseListen: the address forms Skydive accepts and the errors for the others.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseListen } from './index.js';

describe('#parseListen', () => {
  const ok: [string | number, string, number][] = [
    ['127.0.0.1:8082', '127.0.0.1', 8082],
    ['0.0.0.0:64500', '0.0.0.0', 64500],
    [':8082', 'localhost', 8082],
    ['8082', 'localhost', 8082],
    [8081, 'localhost', 8081],
    ['analyzer.example.com:443', 'analyzer.example.com', 443],
    ['[::1]:8082', '::1', 8082],
    ['[::]:0', '::', 0],
  ];
  for (const [input, host, port] of ok) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseListen(input), { host, port });
    });
  }

  for (const input of [
    'host',
    '1.2.3.4:',
    '1.2.3.4:http',
    '1.2.3.4:70000',
    '::1:8082',
    '[::1]8082',
    '[::1',
  ]) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseListen(input),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.code === 'SKY_ERR_CONFIG' &&
          err.message.includes(input),
      );
    });
  }
});
