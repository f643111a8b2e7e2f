// SPDX-License-Identifier: Apache-2.0
// `client pcap FILE` (also Skydive's `-t/--trace FILE`; `-` = standard input): streams a capture to
// POST /api/pcap with a progress bar on a terminal, and prints what the analyzer read.
import { createReadStream, statSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { uploadPcap } from '../../client/pcap-upload.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { printJSON } from '../io.js';

/** Registers `pcap` under `client`. */
export function registerPcapCommand(client: Command, ctx: CliContext): void {
  client
    .command('pcap')
    .description('Import flows from a pcap or pcapng file')
    .argument('[file]', 'capture file, - for standard input')
    .option('-t, --trace <file>', 'capture file (Skydive flag)')
    .action(async (file: string | undefined, opts: { trace?: string }) => {
      const path = opts.trace ?? file;
      if (!path) throw new UsageError('a capture file is required: skydive client pcap FILE');
      let size: number | undefined;
      if (path !== '-') {
        try {
          size = statSync(path).size;
        } catch (err) {
          throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
        }
      }
      const body = path === '-' ? ctx.io.stdin : createReadStream(path);
      const stderr = ctx.io.stderr as { isTTY?: boolean };
      const bar =
        stderr.isTTY === true && size !== undefined
          ? new cliProgress.SingleBar(
              {
                format: 'uploading [{bar}] {percentage}% | {value}/{total} bytes',
                stream: ctx.io.stderr as NodeJS.WritableStream,
              },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
      bar?.start(size ?? 0, 0);
      try {
        const result = await uploadPcap(ctx.client(), body as AsyncIterable<Uint8Array>, {
          tls: ctx.wsOptions().tls,
          onProgress: (n) => bar?.update(n),
        });
        bar?.update(size ?? 0);
        printJSON(ctx.io, result);
      } finally {
        bar?.stop();
      }
    });
}
