// SPDX-License-Identifier: Apache-2.0
// STYLE rule 11: the SKY_ERR_ codes the code base uses and the list in docs/errors.md are the same
// set, in both directions. Codes built from a template (`SKY_ERR_${kind}_NOT_FOUND`) count as used
// when docs/errors.md lists at least one code they can produce.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.suite.ts')) out.push(p);
  }
  return out;
}

/** Literal codes and template patterns (as regexes) found in src/. */
function usedCodes(): { literal: Map<string, string>; templates: Array<[RegExp, string]> } {
  const literal = new Map<string, string>();
  const templates: Array<[RegExp, string]> = [];
  for (const file of sources(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/SKY_ERR_(?:[A-Z0-9_]|\$\{[^}]*\})+/g)) {
      const token = m[0];
      if (token.endsWith('_') && !token.includes('${')) continue;
      const where = file.slice(root.length + 1);
      if (!token.includes('${')) {
        if (!literal.has(token)) literal.set(token, where);
        continue;
      }
      const re = token
        .split(/\$\{[^}]*\}/)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[A-Z0-9_]+');
      templates.push([new RegExp(`^${re}$`), `${token} in ${where}`]);
    }
  }
  return { literal, templates };
}

function documentedCodes(): Set<string> {
  const text = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^- `(SKY_ERR_[A-Z0-9_]+)` — \S/.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}

describe('docs/errors.md', () => {
  const { literal, templates } = usedCodes();
  const documented = documentedCodes();

  it('lists every code the code uses', () => {
    const missing = [...literal].filter(([c]) => !documented.has(c)).map(([c, f]) => `${c} (${f})`);
    const deadTemplates = templates
      .filter(([re]) => ![...documented].some((c) => re.test(c)))
      .map(([, what]) => what);
    assert.deepEqual([...missing, ...deadTemplates], [], 'add these to docs/errors.md');
  });

  it('lists no code that the code does not use', () => {
    const unused = [...documented].filter(
      (c) => !literal.has(c) && !templates.some(([re]) => re.test(c)),
    );
    assert.deepEqual(unused, [], 'remove these from docs/errors.md or use them');
  });

  it('lists each code once', () => {
    const text = readFileSync(join(root, 'docs/errors.md'), 'utf8');
    const all = [...text.matchAll(/^- `(SKY_ERR_[A-Z0-9_]+)`/gm)].map((m) => m[1]);
    assert.equal(all.length, new Set(all).size);
  });
});
