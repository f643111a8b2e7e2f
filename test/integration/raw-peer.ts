// SPDX-License-Identifier: Apache-2.0
// A raw WebSocket peer for tests that must send what no well-behaved client sends (garbage frames,
// oversized messages, missing handshake headers): it records every frame and how the socket ended.

import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';

/** A frame received, decoded as JSON when it is. */
export type Received = Record<string, unknown>;

/** A connected raw peer. */
export interface RawPeer {
  ws: WebSocket;
  got: Received[];
  /** Resolves with the first frame (already received or to come) that matches. */
  next(match: (m: Received) => boolean): Promise<Received>;
  /** Resolves with the close code and reason once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>;
  send(data: string | Buffer): Promise<void>;
}

/** Refusal of an upgrade: the HTTP status and body the server answered. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused: ${status} ${body}`);
  }
}

/**
 * Opens `url` with `headers`; rejects with Refused when the server answers the upgrade with an
 * HTTP error.
 */
export function rawPeer(url: string, headers: Record<string, string>): Promise<RawPeer> {
  const ws = new WebSocket(url, { headers });
  const got: Received[] = [];
  const waiters: { match: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];
  ws.on('message', (data: Buffer) => {
    let m: Received;
    try {
      m = JSON.parse(data.toString('utf8')) as Received;
    } catch {
      m = { raw: data.toString('base64') };
    }
    got.push(m);
    for (const w of [...waiters])
      if (w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(new Refused(res.statusCode ?? 0, body)));
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        got,
        closed,
        next: (match) => {
          const seen = got.find(match);
          if (seen) return Promise.resolve(seen);
          return new Promise((res) => waiters.push({ match, resolve: res }));
        },
        send: (data) => new Promise((res, rej) => ws.send(data, (err) => (err ? rej(err) : res()))),
      }),
    );
  });
}
