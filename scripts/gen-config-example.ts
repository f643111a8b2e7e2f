// SPDX-License-Identifier: Apache-2.0
// Writes etc/skydive.yml.example and docs/configuration.md from the configuration schema
// (src/config/schema.ts). Run by scripts/check-gen, which fails when the committed copies differ.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigurationDoc } from '../src/config/render-doc.js';
import { renderExampleYAML } from '../src/config/render-example.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputs: [string, string][] = [
  ['etc/skydive.yml.example', renderExampleYAML()],
  ['docs/configuration.md', renderConfigurationDoc()],
];
for (const [path, content] of outputs) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  process.stdout.write(`wrote ${path}\n`);
}
