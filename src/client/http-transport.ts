// SPDX-License-Identifier: Apache-2.0
// How the REST client sends one request: the global fetch for plain HTTP, node:https when TLS
// options (CA, client certificate, insecure) are given, since fetch takes none of them in Node 20.

import https from 'node:https';
import zlib from 'node:zlib';
import { ClientError } from './errors.js';

/** One HTTP request as the REST client builds it. */
export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal | undefined;
}

/** A fully read HTTP response. */
export interface HttpResponse {
  status: number;
  statusText: string;
  header(name: string): string | undefined;
  /** Every `Set-Cookie` value. */
  setCookies: string[];
  body: Buffer;
}

/** Sends a request and reads the whole response; rejects with ClientError when nothing came back. */
export type HttpTransport = (req: HttpRequest) => Promise<HttpResponse>;

/** TLS material as PEM text (the CLI reads the files) and whether to skip server verification. */
export interface TlsOptions {
  ca?: string | Buffer | undefined;
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
  insecure?: boolean | undefined;
}

function transportError(err: unknown, url: string): ClientError {
  const e = err as { name?: string; message?: string; cause?: { message?: string; code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new ClientError('SKY_ERR_CLIENT_TIMEOUT', `request to ${url} timed out or was aborted`, {
      cause: err,
    });
  }
  const detail = e.cause?.message ?? e.message ?? String(err);
  return new ClientError('SKY_ERR_CLIENT_CONNECTION', `cannot reach ${url}: ${detail}`, {
    cause: err,
  });
}

/**
 * The default transport, on the global fetch (gzip bodies are decoded by fetch).
 *
 * @example
 * const res = await fetchTransport({ method: 'GET', url: 'http://127.0.0.1:8082/api', headers: {} })
 */
export const fetchTransport: HttpTransport = async (req) => {
  let res: Response;
  try {
    const init: RequestInit = { method: req.method, headers: req.headers, redirect: 'manual' };
    if (req.body !== undefined) init.body = req.body;
    if (req.signal) init.signal = req.signal;
    res = await fetch(req.url, init);
  } catch (err) {
    throw transportError(err, req.url);
  }
  let body: Buffer;
  try {
    body = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw transportError(err, req.url);
  }
  return {
    status: res.status,
    statusText: res.statusText,
    header: (name) => res.headers.get(name) ?? undefined,
    setCookies: res.headers.getSetCookie(),
    body,
  };
};

/**
 * A transport on node:https carrying CA, client certificate and the insecure switch.
 *
 * @example
 * const t = tlsTransport({ ca: fs.readFileSync('ca.pem'), insecure: false })
 */
export function tlsTransport(tls: TlsOptions): HttpTransport {
  return (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const opts: https.RequestOptions = {
        method: req.method,
        headers: { 'accept-encoding': 'gzip', ...req.headers },
        rejectUnauthorized: !tls.insecure,
      };
      if (tls.ca !== undefined) opts.ca = tls.ca;
      if (tls.cert !== undefined) opts.cert = tls.cert;
      if (tls.key !== undefined) opts.key = tls.key;
      if (req.signal) opts.signal = req.signal;
      const r = https.request(req.url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(transportError(err, req.url)));
        res.on('end', () => {
          let body: Buffer = Buffer.concat(chunks);
          try {
            if (res.headers['content-encoding'] === 'gzip' && body.length > 0) {
              body = zlib.gunzipSync(body);
            }
          } catch (err) {
            reject(new ClientError('SKY_ERR_CLIENT_PROTOCOL', 'bad gzip body', { cause: err }));
            return;
          }
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            header: (name) => {
              const v = res.headers[name.toLowerCase()];
              return Array.isArray(v) ? v.join(', ') : v;
            },
            setCookies: res.headers['set-cookie'] ?? [],
            body,
          });
        });
      });
      r.on('error', (err) => reject(transportError(err, req.url)));
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
}
