// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { RawNetlinkSocket, Protocol } from 'netlink';
import {
  fdCandidates,
  findNetlinkFd,
  releasePort,
  setNoEnobufs,
  socketDrops,
  takePort,
} from './sockopt.js';

describe('fdCandidates', () => {
  it('tries first the number below the directory descriptor, just under the first gap', () => {
    // 0-5 open, 5 being the directory read; the new socket is 4.
    assert.deepEqual(fdCandidates([5, 0, 1, 2, 3, 4, 9, 7]), [4, 5, 3, 2, 1, 0, 7, 9]);
    assert.deepEqual(fdCandidates([0]), [0]);
    assert.deepEqual(fdCandidates([]), []);
  });
});

describe('socket options on a netlink socket (no privilege needed)', () => {
  it('finds the descriptor by its port, sets NETLINK_NO_ENOBUFS, reads the drop counter', () => {
    const port = takePort();
    const s = new RawNetlinkSocket(Protocol.ROUTE, {
      localPort: port,
      recvBufferSize: 8192,
      sendBufferSize: 8192,
    });
    try {
      const fd = findNetlinkFd(port);
      assert.ok(fd >= 0);
      assert.equal(setNoEnobufs(fd), true);
      assert.equal(socketDrops(fd), 0);
      assert.equal(findNetlinkFd(takePort()), -1);
    } finally {
      s.close();
      releasePort(port);
    }
  });
});
