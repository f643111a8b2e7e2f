// SPDX-License-Identifier: Apache-2.0
// Renders etc/skydive.yml.example from the schema: sections uncommented, every key commented out
// with its description and default, so that the file loads as is and documents every key.

import { Kind, type TSchema } from '@sinclair/typebox';
import { stringify } from 'yaml';
import { propertiesOf, recordValue } from './coerce.js';
import { envNameOf } from './keys.js';
import { ConfigSchema } from './schema.js';

const WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A scalar or flow list in YAML syntax. */
export function yamlInline(v: unknown): string {
  const opts = { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 } as const;
  return stringify(v, opts).trim();
}

class Writer {
  readonly lines: string[] = [];

  comment(indent: string, text: string): void {
    for (const l of wrap(text, WIDTH - indent.length - 2)) this.lines.push(`${indent}# ${l}`);
  }

  /** A YAML block (map or list) commented out, under `key:`. */
  commentedBlock(indent: string, key: string, value: object): void {
    this.lines.push(`${indent}# ${key}:`);
    const text = stringify(value, { lineWidth: 0 }).trimEnd();
    for (const l of text.split('\n')) this.lines.push(`${indent}#   ${l}`);
  }

  leaf(indent: string, key: string, schema: TSchema, path: string[]): void {
    const notes: string[] = [schema['description'] as string];
    if (schema['x-unused']) notes.push('(Accepted for compatibility; not used by skydive-ts.)');
    if (schema['x-default-text']) notes.push(`Default: ${schema['x-default-text'] as string}.`);
    if (schema[Kind] !== 'Unknown') notes.push(`Env: ${envNameOf(path)}.`);
    this.comment(indent, notes.join(' '));
    const def = schema['default'];
    const example = schema['x-example'];
    if (def !== undefined && !schema['x-default-text']) {
      this.lines.push(`${indent}# ${key}: ${yamlInline(def)}`);
    } else if (example !== null && typeof example === 'object') {
      this.commentedBlock(indent, key, example);
    } else if (example !== undefined) {
      this.lines.push(`${indent}# ${key}: ${yamlInline(example)}`);
    } else {
      this.lines.push(`${indent}# ${key}:`);
    }
  }

  record(indent: string, key: string, schema: TSchema): void {
    this.comment(indent, schema['description'] as string);
    if (schema['x-unused'])
      this.comment(indent, '(Accepted for compatibility; not used by skydive-ts.)');
    this.lines.push(`${indent}${key}:`);
    const inner = `${indent}  `;
    const def = schema['default'] as Record<string, unknown> | undefined;
    if (def && Object.keys(def).length > 0) {
      this.comment(inner, 'Defaults:');
      for (const [name, value] of Object.entries(def)) {
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          this.commentedBlock(inner, name, value);
        } else this.lines.push(`${inner}# ${name}: ${yamlInline(value)}`);
      }
    }
    const value = recordValue(schema);
    if (value[Kind] === 'Object') {
      this.lines.push(`${inner}# <name>:`);
      for (const [k, sub] of Object.entries(propertiesOf(value))) {
        const desc = (sub['description'] as string | undefined) ?? '';
        this.lines.push(`${inner}#   ${k}:${desc ? ` # ${desc}` : ''}`);
      }
    } else {
      this.lines.push(`${inner}# <name>: ${value[Kind] === 'Integer' ? 0 : 'value'}`);
    }
  }

  section(indent: string, schema: TSchema, path: string[]): void {
    for (const [key, sub] of Object.entries(propertiesOf(schema))) {
      const subPath = [...path, key];
      if (indent === '') this.lines.push('');
      if (sub[Kind] === 'Object') {
        this.comment(indent, sub['description'] as string);
        this.lines.push(`${indent}${key}:`);
        this.section(`${indent}  `, sub, subPath);
      } else if (sub[Kind] === 'Record') {
        this.record(indent, key, sub);
      } else {
        this.leaf(indent, key, sub, subPath);
      }
    }
  }
}

/** The commented example configuration file. */
export function renderExampleYAML(): string {
  const w = new Writer();
  w.lines.push(
    '# Skydive configuration for skydive-ts: every key with its description and default.',
    '# Generated from src/config/schema.ts by scripts/gen-config-example.ts; do not edit by hand.',
    '# Keys are commented out: uncomment and change what you need (parent sections stay as they are).',
    '# Precedence: defaults < files given with -c (in order) < SKYDIVE_* environment < command-line flags.',
    '# See docs/configuration.md.',
  );
  w.section('', ConfigSchema, []);
  return `${w.lines.join('\n')}\n`;
}
