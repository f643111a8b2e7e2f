// SPDX-License-Identifier: Apache-2.0
// Tests of the generated example file and documentation: the example loads to the defaults, every
// commented-out value parses back to its default, and every key and variable is documented.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { listConfigKeys, loadConfig } from './index.js';
import { renderConfigurationDoc } from './render-doc.js';
import { renderExampleYAML } from './render-example.js';

describe('#renderExampleYAML', () => {
  const text = renderExampleYAML();

  it('loads as is and gives the defaults', () => {
    assert.deepEqual(
      loadConfig({ files: ['-'], stdin: text, hostname: 'h' }),
      loadConfig({ hostname: 'h' }),
    );
  });

  it('shows every default and example as valid YAML', () => {
    const byName = new Map<string, unknown[]>();
    for (const k of listConfigKeys()) {
      const last = k.path[k.path.length - 1] as string;
      byName.set(last, [...(byName.get(last) ?? []), k.default, k.example]);
    }
    let checked = 0;
    for (const line of text.split('\n')) {
      const m = /^\s*# ([a-z_0-9]+): (\S.*)$/.exec(line);
      if (!m) continue;
      const [, key, value] = m as unknown as [string, string, string];
      const parsed: unknown = parse(`${key}: ${value}`)[key];
      const candidates = byName.get(key);
      if (!candidates) continue;
      assert.ok(
        candidates.some((d) => JSON.stringify(d) === JSON.stringify(parsed)),
        line,
      );
      checked++;
    }
    assert.ok(checked > 80, `checked ${checked} lines`);
  });

  it('is deterministic', () => {
    assert.equal(renderExampleYAML(), text);
  });
});

describe('#renderConfigurationDoc', () => {
  const doc = renderConfigurationDoc();
  it('lists every key and its environment variable', () => {
    for (const k of listConfigKeys()) {
      assert.ok(doc.includes(`| \`${k.key}\` |`), k.key);
      if (k.env) assert.ok(doc.includes(`\`${k.env}\``), k.env);
    }
  });
  it('documents that unknown SKYDIVE_* variables are ignored', () => {
    assert.match(doc, /SKYDIVE_\*` variables that name no key are ignored/);
  });
});
