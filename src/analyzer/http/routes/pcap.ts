// SPDX-License-Identifier: Apache-2.0
// `POST /api/pcap` (skydive-compat §3.2): a pcap or pcapng body, read as a stream (never held whole),
// turned into flows by a flow table ticked at packet time, and handed to the flow server, which
// stores and streams them as it does agents' flows. 202 with what was read; damage is counted.
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { InvalidArgumentError, SkydiveError } from '../../../graph/errors.js';
import { PcapReader } from '../../../flow/pcap/index.js';
import { FlowTable, PacketClock } from '../../../flow/table/index.js';
import { ErrorBodySchema } from '../../../protocol/index.js';
import { ErrorResponses, sendJSON } from '../../../api/http/reply.js';
import type { FlowServer } from '../../flow/flow-server.js';

/** Code of an upload larger than the limit. */
export const ERR_PCAP_TOO_LARGE = 'SKY_ERR_PCAP_TOO_LARGE';

export interface PcapRouteOptions {
  server: FlowServer;
  /** Largest upload in bytes. */
  maxBytes: number;
  /** flow.update / flow.expire in seconds (ticks at packet time). */
  updateSeconds: number;
  expireSeconds: number;
  layerKeyMode: 'L2' | 'L3';
}

/** What an upload gave (the 202 body). */
export interface PcapUploadResult {
  Format: string;
  Bytes: number;
  Packets: number;
  Flows: number;
  Errors: number;
  DecodeErrors: number;
}

/** Reads `body` into flows; each batch of finished or updated flows goes to `server`. */
export async function ingestPcap(
  body: AsyncIterable<Uint8Array>,
  opts: PcapRouteOptions,
): Promise<PcapUploadResult> {
  const table = new FlowTable({ layerKeyMode: opts.layerKeyMode });
  let flows = 0;
  const emit = (f: ReturnType<FlowTable['flush']>) => {
    flows += f.length;
    opts.server.ingest(f, { live: false });
  };
  const clock = new PacketClock(table, opts.updateSeconds, opts.expireSeconds, emit);
  const reader = new PcapReader();
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > opts.maxBytes)
      throw new SkydiveError(
        'payload_too_large',
        ERR_PCAP_TOO_LARGE,
        `pcap upload larger than ${opts.maxBytes} bytes`,
      );
    for (const b of reader.push(chunk)) clock.feed(b);
  }
  for (const b of reader.end()) clock.feed(b);
  emit(table.flush());
  let decodeErrors = 0;
  for (const n of Object.values(table.counters.decodeErrors)) decodeErrors += n;
  return {
    Format: reader.format ?? '',
    Bytes: bytes,
    Packets: reader.stats.packets,
    Flows: flows,
    Errors: reader.stats.errors,
    DecodeErrors: decodeErrors,
  };
}

/** Registers `POST /api/pcap` in its own scope (the body is a raw stream, whatever its type). */
export function pcapRoutes(app: FastifyInstance, opts: PcapRouteOptions): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post(
      '/api/pcap',
      {
        config: { rbac: ['pcap', 'write'] },
        bodyLimit: opts.maxBytes,
        schema: {
          summary: 'Upload a pcap or pcapng capture: its flows are computed and stored',
          tags: ['flows'],
          response: {
            202: Type.Object({
              Format: Type.String(),
              Bytes: Type.Integer(),
              Packets: Type.Integer(),
              Flows: Type.Integer(),
              Errors: Type.Integer({ description: 'damaged records (counted, skipped)' }),
              DecodeErrors: Type.Integer(),
            }),
            400: ErrorBodySchema,
            413: ErrorBodySchema,
            ...ErrorResponses,
          },
        },
      },
      async (req, reply) => {
        const body = req.body as Readable | undefined;
        if (!body || typeof (body as Partial<Readable>)[Symbol.asyncIterator] !== 'function')
          throw new InvalidArgumentError('SKY_ERR_PCAP_FORMAT', 'empty body: send a pcap file');
        const result = await ingestPcap(body, opts);
        return sendJSON(reply, result, 202);
      },
    );
  });
}
