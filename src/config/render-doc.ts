// SPDX-License-Identifier: Apache-2.0
// Renders docs/configuration.md from the schema: how sources combine, how environment variables are
// named, the deprecated keys, and one table of keys per top-level section.

import { listConfigKeys, type ConfigKeyInfo } from './keys.js';
import { RELOCATIONS } from './legacy.js';
import { yamlInline } from './render-example.js';

const HEADER = '| Key | Type | Default | Environment | Description |';

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function defaultText(k: ConfigKeyInfo): string {
  if (k.defaultText) return k.defaultText;
  if (k.default === undefined) return '–';
  const d = k.default;
  if (d !== null && typeof d === 'object' && !Array.isArray(d) && Object.keys(d).length === 0) {
    return '–';
  }
  return `\`${yamlInline(k.default)}\``;
}

function row(k: ConfigKeyInfo): string {
  const desc = k.unused ? `${k.description} *(accepted, not used by skydive-ts)*` : k.description;
  return `| \`${cell(k.key)}\` | ${cell(k.type)} | ${cell(defaultText(k))} | ${k.env ? `\`${cell(k.env)}\`` : '–'} | ${cell(desc)} |`;
}

const INTRO = `# Configuration

<!-- Generated from src/config/schema.ts by scripts/gen-config-example.ts; do not edit by hand. -->

skydive-ts reads Skydive's configuration keys, spelled as in Skydive's \`skydive.yml\`. A commented
file with every key is in [etc/skydive.yml.example](../etc/skydive.yml.example).

## Sources and precedence

1. Defaults (the tables below).
2. YAML files given with \`-c/--conf\` (repeatable; \`-\` reads standard input), merged in order: a
   later file wins; maps merge key by key, lists and values replace. Without \`-c\`, the server
   commands read \`/etc/skydive/skydive.yml\` when it exists.
3. Environment variables \`SKYDIVE_<KEY>\` (below).
4. Command-line flags (\`--listen\`, \`--host-id\`, \`--verbose\` → \`logging.level: debug\`, …).

The result is checked once at boot and frozen. Errors have the code \`SKY_ERR_CONFIG\` and name the
key, where it came from and the value, e.g.
\`unknown configuration key "analyzer.lisen" in /etc/skydive/skydive.yml\` or
\`configuration key "flow.expire" in environment variable SKYDIVE_FLOW_EXPIRE: expected an integer, got "soon"\`.

Rules, as in Skydive (Viper):

- Key names match case-insensitively (\`Analyzer: {Listen: …}\` works). Names you choose (auth
  backends, storage sections, cookies, users) are kept as written.
- An empty value (\`cookie:\` with only comments below) leaves the key at its default.
- Values are converted to the key's type: \`"30"\` for an integer, \`true/false/yes/no/1/0\` for a
  boolean, and a space-separated string for a list (\`probes: docker lldp\`).
- A key the schema does not know is an error, except under \`ui\` (served as is by
  \`GET /api/config/ui\`) and inside \`storage.<name>\` (drivers take their own keys).
- Sections \`storage.<name>\` whose \`driver\` is \`sqlite\`, \`postgres\`, \`elasticsearch\`,
  \`orientdb\` or \`memory\` receive that driver's defaults for the keys they leave out. A section
  of the \`sqlite\`, \`postgres\` or \`memory\` driver accepts only the keys that driver reads, and an
  unknown \`driver\` is an error (docs/storage.md describes the drivers).
- \`host_id\` defaults to the host name and \`etcd.name\` to \`host_id\`.

## Environment variables

The variable of a key is \`SKYDIVE_\` followed by the key upper-cased with \`.\` and \`-\` replaced by
\`_\`: \`analyzer.listen\` → \`SKYDIVE_ANALYZER_LISTEN\`, \`host_id\` → \`SKYDIVE_HOST_ID\`. Lists are
space-separated: \`SKYDIVE_ANALYZERS="10.0.0.1:8082 10.0.0.2:8082"\`.

- Because \`_\` also occurs inside key names, a variable is matched against the known keys, not split
  at every \`_\`.
- For names you choose (\`auth.<name>.type\`, \`storage.<name>.driver\`, \`http.cookie.<name>\`,
  \`auth.<name>.users.<user>\`), a name already defined in the files is preferred
  (\`SKYDIVE_AUTH_MY_BASIC_FILE\` sets \`auth.my_basic.file\` when the files define \`auth.my_basic\`);
  otherwise the name is taken lower-cased.
- Empty variables are ignored (they do not clear a key).
- **\`SKYDIVE_*\` variables that name no key are ignored**, not reported: other tools share the prefix
  (the client's \`SKYDIVE_ANALYZER\`, \`SKYDIVE_USERNAME\`, \`SKYDIVE_PASSWORD\`). A misspelt variable
  therefore has no effect; check the value with \`GET /api/config/<key>\`.

## Deprecated keys

These old spellings are still read: the value moves to the new key(s) unless the same file sets
them, and a warning is printed.

| Old key | New key(s) |
| --- | --- |
`;

/** The configuration reference page. */
export function renderConfigurationDoc(): string {
  const out: string[] = [INTRO.trimEnd()];
  for (const [oldKey, newKeys] of Object.entries(RELOCATIONS)) {
    out.push(`| \`${oldKey}\` | ${newKeys.map((k) => `\`${k}\``).join(', ')} |`);
  }
  out.push('', '## Keys', '', '`<name>` stands for a name you choose.');
  let section: string | undefined;
  for (const k of listConfigKeys()) {
    const top = k.path.length === 1 && !k.isMap ? 'Top level' : (k.path[0] as string);
    if (top !== section) {
      section = top;
      out.push('', `### ${top}`, '', HEADER, '| --- | --- | --- | --- | --- |');
    }
    out.push(row(k));
  }
  return `${out.join('\n')}\n`;
}
