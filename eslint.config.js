// SPDX-License-Identifier: Apache-2.0
// Lint rules, including the layering table of docs/architecture.md: each folder of src/ may import
// only the folders listed for it. A violation names the allowed layers.
import tseslint from 'typescript-eslint';

/** folder → folders of ours it may import (docs/architecture.md, "Dependency direction"). */
const layers = {
  graph: [],
  gremlin: ['graph'],
  protocol: ['graph'],
  flow: ['protocol', 'graph'],
  storage: ['graph', 'flow', 'protocol'],
  probes: ['graph', 'protocol', 'flow'],
  capture: ['flow', 'protocol'],
  client: ['protocol'],
  config: [],
  api: ['graph', 'gremlin', 'protocol'],
  agent: ['api', 'graph', 'gremlin', 'probes', 'capture', 'flow', 'protocol', 'client', 'config'],
  analyzer: ['api', 'graph', 'gremlin', 'flow', 'storage', 'protocol', 'client', 'config'],
  cli: ['client', 'protocol', 'config', 'agent', 'analyzer', 'flow'],
};
/** folder → folders it may import types from, and nothing else. */
const typeOnly = { api: ['config'] };
const all = Object.keys(layers);

function layerRule(folder) {
  const allowed = new Set([folder, ...layers[folder]]);
  const types = new Set(typeOnly[folder] ?? []);
  const forbidden = all.filter((f) => !allowed.has(f));
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: forbidden.map((f) => ({
            group: [`../${f}/*`, `../../${f}/*`, `../../../${f}/*`, `../${f}`, `../../${f}`],
            message: `src/${folder} may import only: ${[...allowed].join(', ')}${types.size ? ` (and types of ${[...types].join(', ')})` : ''} (docs/architecture.md)`,
            allowTypeImports: types.has(f),
          })),
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'ui/dist/**',
      'ui/node_modules/**',
      'node_modules/**',
      'test-artifacts/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  ...all.map(layerRule),
  // flow/query holds the Flows() step extensions: the one place of src/flow that may use gremlin.
  {
    ...layerRule('flow'),
    files: ['src/flow/query/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: all
            .filter((f) => !['flow', 'protocol', 'graph', 'gremlin'].includes(f))
            .map((f) => ({
              group: [`../${f}/*`, `../../${f}/*`, `../../../${f}/*`, `../${f}`, `../../${f}`],
              message: 'src/flow/query may import only: flow, protocol, graph, gremlin',
            })),
        },
      ],
    },
  },
  {
    files: ['src/graph/**/*.ts', 'src/gremlin/**/*.ts', 'src/protocol/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'fs',
            'node:fs',
            'net',
            'node:net',
            'http',
            'node:http',
            'pino',
            'fs/promises',
            'node:fs/promises',
          ].map((name) => ({
            name,
            message: 'the core is pure: no files, sockets or logging (docs/architecture.md)',
          })),
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'the core reads no environment' },
      ],
    },
  },
);
