// SPDX-License-Identifier: Apache-2.0
// Test helper: the flows a table makes of one capture of shared/pcaptraces (Skydive's flowsFromPCAP).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../pcap/index.js';
import { tracesDir } from '../pcap/traces.test-util.js';
import type { Flow } from '../../protocol/flow.js';
import type { FlowTableOptions } from './options.js';
import { FlowTable } from './table.js';

/** ExtraTCPMetric, ReassembleTCP and IPDefrag unless options are given; `linkType` overrides the file's. */
export function flowsOf(pcap: string, opts?: FlowTableOptions, linkType?: number): Flow[] {
  const table = new FlowTable(
    opts ?? { extraTCPMetric: true, reassembleTCP: true, ipDefrag: true },
  );
  for (const b of readCapture(readFileSync(join(tracesDir, pcap))).batches)
    table.feed(linkType === undefined ? b : { ...b, linkType });
  return table.flows();
}
