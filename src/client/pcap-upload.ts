// SPDX-License-Identifier: Apache-2.0
// `POST /api/pcap` with a streamed body (a capture file may be large): the request body is piped
// from any byte stream, progress reported as bytes leave, the 202 summary returned.
import http from 'node:http';
import https from 'node:https';
import { apiErrorFromBody, ClientError } from './errors.js';
import type { TlsOptions } from './http-transport.js';
import type { SkydiveClient } from './rest-client.js';

/** What the analyzer read from an upload (the 202 body). */
export interface PcapUploadResult {
  Format: string;
  Bytes: number;
  Packets: number;
  Flows: number;
  Errors: number;
  DecodeErrors: number;
}

/**
 * Streams a pcap/pcapng capture to `POST /api/pcap`; `onProgress` gets the bytes sent so far.
 * @example
 * await uploadPcap(client, fs.createReadStream('trace.pcap'), { onProgress: (n) => bar.update(n) })
 */
export function uploadPcap(
  client: SkydiveClient,
  body: AsyncIterable<Uint8Array>,
  opts: { tls?: TlsOptions | undefined; onProgress?: (bytes: number) => void } = {},
): Promise<PcapUploadResult> {
  const url = `${client.url}/api/pcap`;
  const tls = opts.tls;
  return new Promise((resolve, reject) => {
    const reqOpts: https.RequestOptions = {
      method: 'POST',
      headers: { ...client.authHeaders(), 'Content-Type': 'application/vnd.tcpdump.pcap' },
    };
    if (tls) {
      reqOpts.rejectUnauthorized = !tls.insecure;
      if (tls.ca !== undefined) reqOpts.ca = tls.ca;
      if (tls.cert !== undefined) reqOpts.cert = tls.cert;
      if (tls.key !== undefined) reqOpts.key = tls.key;
    }
    const req = (url.startsWith('https:') ? https : http).request(url, reqOpts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status >= 400) {
          reject(apiErrorFromBody(status, res.statusMessage ?? '', text, 'upload pcap'));
          return;
        }
        try {
          resolve(JSON.parse(text) as PcapUploadResult);
        } catch {
          reject(
            new ClientError('SKY_ERR_CLIENT_PROTOCOL', `upload pcap: answer ${status} ${text}`),
          );
        }
      });
    });
    req.on('error', (err) =>
      reject(new ClientError('SKY_ERR_CLIENT_CONNECTION', `cannot reach ${url}: ${err.message}`)),
    );
    void (async () => {
      let sent = 0;
      try {
        for await (const chunk of body) {
          sent += chunk.length;
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
          opts.onProgress?.(sent);
        }
        req.end();
      } catch (err) {
        req.destroy(err as Error);
        reject(err as Error);
      }
    })();
  });
}
