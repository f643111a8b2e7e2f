// SPDX-License-Identifier: Apache-2.0
// Connection behaviour on real sockets: keepalive (§2.4), JSON and protobuf framing, namespace
// filtering, undecodable input, and the bounded send queue against a peer that stops reading.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newStructMessage } from '../../protocol/index.js';
import { connect, nodeJSON, startHub, until } from './ws-test-kit.js';

describe('#.keepalive', () => {
  it('pings at once and keeps answering peers connected', async (t) => {
    const h = await startHub({
      settings: {
        ws: { pingDelayMs: 20, pongTimeoutMs: 40, queueSize: 100, writeCompression: false },
      },
    });
    t.after(() => h.close());
    const c = await connect(`${h.base}/ws/subscriber`);
    t.after(() => c.close());
    await until(() => c.pings >= 6, 'six pings');
    assert.equal(c.ws.readyState, c.ws.OPEN);
  });

  it('drops a peer that does not answer pings', async (t) => {
    const h = await startHub({
      settings: {
        ws: { pingDelayMs: 20, pongTimeoutMs: 40, queueSize: 100, writeCompression: false },
      },
    });
    t.after(() => h.close());
    const c = await connect(`${h.base}/ws/subscriber`, { options: { autoPong: false } });
    t.after(() => c.close());
    const { code } = await c.closed;
    assert.equal(code, 1006); // terminated, no close handshake
    assert.ok(c.pings >= 1);
    await until(() => !h.ctx.status.has('Subscribers', c.upgrade.headers['x-host-id'] as string));
  });
});

describe('#.framing', () => {
  it('speaks protobuf to protobuf peers and JSON to the others', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const pb = await connect(`${h.base}/ws/subscriber`, { protocol: 'protobuf' });
    t.after(() => pb.close());
    const js = await connect(`${h.base}/ws/subscriber`);
    t.after(() => js.close());
    h.ctx.graph.newNode({ Name: 'n1', Type: 'device' }, { id: 'n1' });
    for (const c of [pb, js]) {
      const m = await c.waitFor((x) => x.Type === 'NodeAdded');
      assert.equal((m.Obj as { ID: string }).ID, 'n1');
    }
  });

  it('accepts either frame type on input, whatever the announced protocol', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const pb = await connect(`${h.base}/ws/publisher`, { protocol: 'protobuf' });
    t.after(() => pb.close());
    // A protobuf peer sending JSON text, and a JSON one sending a protobuf binary frame.
    pb.ws.send(JSON.stringify(newStructMessage('Graph', 'NodeAdded', nodeJSON('a'))));
    const js = await connect(`${h.base}/ws/publisher`);
    t.after(() => js.close());
    const { encodeStructMessageProto } = await import('../../protocol/index.js');
    js.ws.send(encodeStructMessageProto(newStructMessage('Graph', 'NodeAdded', nodeJSON('b'))));
    await until(
      () => h.ctx.graph.getNode('a') !== undefined && h.ctx.graph.getNode('b') !== undefined,
    );
  });

  it('answers an undecodable frame with an Error and keeps the connection', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const c = await connect(`${h.base}/ws/publisher`);
    t.after(() => c.close());
    c.ws.send('{not json');
    const err = await c.waitFor((m) => m.Type === 'Error');
    assert.equal(err.Status, 400);
    assert.match(String(err.Obj), /JSON/);
    c.ws.send(Buffer.from([0xff, 0xff, 0xff]));
    await c.waitFor((m) => m.Type === 'Error' && m !== err);
    const reply = await c.sync();
    assert.equal(reply.Type, 'SyncReply');
  });

  it('filters outgoing messages by X-Websocket-Namespace', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const alertsOnly = await connect(`${h.base}/ws/subscriber`, {
      headers: { 'X-Websocket-Namespace': 'Alert' },
    });
    t.after(() => alertsOnly.close());
    const all = await connect(`${h.base}/ws/subscriber`);
    t.after(() => all.close());
    h.ctx.graph.newNode({ Name: 'n1', Type: 'device' }, { id: 'n1' });
    h.hub.broadcast(newStructMessage('Alert', 'Alert', { UUID: 'a1' }));
    await all.waitFor((m) => m.Namespace === 'Alert');
    const alert = await alertsOnly.waitFor((m) => m.Namespace === 'Alert');
    assert.equal((alert.Obj as { UUID: string }).UUID, 'a1');
    assert.deepEqual(
      alertsOnly.received.map((m) => m.Namespace),
      ['Alert'],
    );
    // Replies are not subject to the filter.
    assert.equal((await alertsOnly.sync()).Type, 'SyncReply');
  });

  it('negotiates permessage-deflate only when write compression is on', async (t) => {
    for (const writeCompression of [true, false]) {
      const h = await startHub({
        settings: {
          ws: { pingDelayMs: 2000, pongTimeoutMs: 5000, queueSize: 100, writeCompression },
        },
      });
      t.after(() => h.close());
      const c = await connect(`${h.base}/ws/subscriber`);
      t.after(() => c.close());
      assert.equal(c.ws.extensions.includes('permessage-deflate'), writeCompression);
      h.ctx.graph.newNode({ Name: 'big', Type: 'device', Pad: 'x'.repeat(5000) }, { id: 'big' });
      h.ctx.graph.newNode({ Name: 'small', Type: 'device' }, { id: 'small' });
      await c.waitFor((m) => (m.Obj as { ID?: string }).ID === 'small');
      const ids = c.received.map((m) => (m.Obj as { ID: string }).ID);
      assert.deepEqual(ids, ['big', 'small']);
    }
  });

  it('keeps the order of small (batched) and big (compressed) messages', async (t) => {
    const h = await startHub({
      settings: {
        ws: { pingDelayMs: 2000, pongTimeoutMs: 5000, queueSize: 1000, writeCompression: true },
      },
    });
    t.after(() => h.close());
    const c = await connect(`${h.base}/ws/subscriber`);
    t.after(() => c.close());
    assert.ok(c.ws.extensions.includes('permessage-deflate'));
    const want: string[] = [];
    // One tick: small messages go into the batch, big ones through ws's deflate; then more ticks.
    for (let tick = 0; tick < 3; tick++) {
      for (let i = 0; i < 40; i++) {
        const id = `t${tick}-${i}`;
        const big = i % 7 === 3;
        h.ctx.graph.newNode({ Name: id, Pad: big ? 'y'.repeat(3000 + i) : '' }, { id });
        want.push(id);
      }
      await new Promise((r) => setImmediate(r));
    }
    const last = want[want.length - 1]!;
    await c.waitFor((m) => (m.Obj as { ID?: string }).ID === last);
    const ids = c.received
      .filter((m) => m.Type === 'NodeAdded')
      .map((m) => (m.Obj as { ID: string }).ID);
    assert.deepEqual(ids, want);
    const big = c.received.find((m) => (m.Obj as { ID?: string }).ID === 't0-3');
    assert.equal((big?.Obj as { Metadata: { Pad: string } }).Metadata.Pad.length, 3003);
  });

  it('closes a peer whose message exceeds maxBodySize', async (t) => {
    const h = await startHub({ settings: { maxBodySize: 1024 } });
    t.after(() => h.close());
    const c = await connect(`${h.base}/ws/publisher`);
    t.after(() => c.close());
    c.ws.send(
      JSON.stringify(
        newStructMessage('Graph', 'NodeAdded', nodeJSON('big', { Pad: 'x'.repeat(2000) })),
      ),
    );
    const { code } = await c.closed;
    assert.equal(code, 1009);
    assert.equal(h.ctx.graph.getNode('big'), undefined);
  });
});

describe('#.sendQueue', () => {
  it('closes a peer that stops reading, counting what it dropped, without blocking others', async (t) => {
    const h = await startHub({
      settings: {
        ws: { pingDelayMs: 60_000, pongTimeoutMs: 60_000, queueSize: 50, writeCompression: false },
      },
      attach: { highWaterMark: 64 * 1024 },
    });
    t.after(() => h.close());
    const slow = await connect(`${h.base}/ws/subscriber`, { hostID: 'slow' });
    t.after(() => slow.ws.terminate());
    const fast = await connect(`${h.base}/ws/subscriber`, { hostID: 'fast' });
    t.after(() => fast.close());
    // The slow peer's socket stops reading: the kernel buffers fill, then ours, then its queue.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const conn = () => h.ctx.status.snapshot('Subscribers')['slow'];
    const pad = 'x'.repeat(4096);
    let i = 0;
    while (conn()?.IsConnected === true && i < 20_000) {
      for (let k = 0; k < 10; k++, i++)
        h.ctx.graph.newNode({ Name: `n${i}`, Type: 'device', Pad: pad }, { id: `n${i}` });
      await new Promise((r) => setImmediate(r));
    }
    // Closing, but still listed: the close handshake cannot finish while it does not read.
    const st = conn();
    assert.ok(st !== undefined && !st.IsConnected, `slow peer still connected after ${i} nodes`);
    assert.ok(st.Dropped! > 0);
    assert.equal(st.QueueDepth, 0);
    // The fast peer got everything, in order.
    const last = `n${i - 1}`;
    await fast.waitFor((m) => (m.Obj as { ID?: string }).ID === last);
    const ids = fast.received
      .filter((m) => m.Type === 'NodeAdded')
      .map((m) => (m.Obj as { ID: string }).ID);
    assert.equal(ids.length, i);
    assert.equal(ids[0], 'n0');
  });
});
