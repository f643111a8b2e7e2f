// SPDX-License-Identifier: Apache-2.0
// Serves the built web UI (ui/dist) at `/`: files with caching headers (hashed assets immutable,
// the rest revalidated), index.html for client routes, and a hint page when the UI is not built.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `vite build` writes the UI, from src/api/http or dist/api/http alike. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../ui/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>skydive-ts</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>The web UI is not built</h1>
<p>Run <code>scripts/setup</code> (or <code>cd ui &amp;&amp; npm ci &amp;&amp; npx vite build</code>)
and reload. The REST API is at <a href="/api">/api</a>.</p></body></html>
`;

async function fileAt(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function sendFile(reply: FastifyReply, file: string, immutable: boolean) {
  const body = await readFile(file);
  reply
    .type(TYPES[path.extname(file)] ?? 'application/octet-stream')
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  return reply.send(body);
}

/**
 * Registers `GET /*` on the root instance (public: the login page must load without credentials).
 * `/api…` and `/ws…` paths that no route serves stay JSON 404s.
 * @example
 * registerStaticUi(app); // serves ui/dist
 */
export function registerStaticUi(app: FastifyInstance, dir: string = DEFAULT_UI_DIR): void {
  const root = path.resolve(dir);
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(req.url.split('?')[0] ?? '/');
    } catch {
      return reply.callNotFound();
    }
    if (/^\/(api|ws)(\/|$)/.test(pathname)) return reply.callNotFound();
    const file = path.resolve(root, `.${pathname}`);
    if (file.startsWith(root + path.sep) && (await fileAt(file)))
      return sendFile(reply, file, pathname.startsWith('/assets/'));
    // a missing asset is a 404; any other path is a client route of the single-page app
    if (path.extname(pathname) !== '' && pathname !== '/index.html') return reply.callNotFound();
    const index = path.join(root, 'index.html');
    if (await fileAt(index)) return sendFile(reply, index, false);
    return reply.code(404).type('text/html; charset=utf-8').send(NOT_BUILT);
  });
}
