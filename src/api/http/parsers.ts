// SPDX-License-Identifier: Apache-2.0
// Body parsers on the root instance: JSON that tolerates an empty body (Skydive's Python client
// sends `Content-Type: application/json` on GET and DELETE too), YAML for resources, and forms.
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import type * as YAML from 'yaml';
import { InvalidArgumentError } from '../../graph/errors.js';
import { HttpErrorCode } from './errors.js';

/** Media types read as YAML (Skydive accepts `application/yaml` on resource creation). */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** The YAML parser, loaded with the first YAML body (most servers never receive one). */
let yamlParse: typeof YAML.parse | undefined;
function parseYaml(body: string): unknown {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof YAML).parse;
  return yamlParse(body, { maxAliasCount: 100 });
}

/** Replaces the JSON parser and adds the YAML one. */
export function installParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    json(req, String(body), done);
  });
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseYaml(String(body)) ?? undefined);
    } catch (err) {
      done(
        new InvalidArgumentError(
          HttpErrorCode.BadYAML,
          `invalid YAML body: ${(err as Error).message.split('\n')[0]}`,
        ),
        undefined,
      );
    }
  });
}
