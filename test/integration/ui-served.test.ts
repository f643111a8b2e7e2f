// SPDX-License-Identifier: Apache-2.0
// The analyzer and the agent both serve the web UI at `/` (or, when ui/dist is not built, the page
// saying how to build it), without credentials even when the API needs them.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestAgent } from './agent-kit.js';
import { startTestAnalyzer } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const built = existsSync(path.join(ROOT, 'ui', 'dist', 'index.html'));

async function assertServesUi(address: string): Promise<void> {
  for (const url of ['/', '/topology/some/client/route']) {
    const r = await fetch(`http://${address}${url}`);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/, url);
    const body = await r.text();
    if (built) {
      assert.equal(r.status, 200, url);
      assert.match(body, /<div id="root">/, url);
    } else {
      assert.equal(r.status, 404, url);
      assert.match(body, /web UI is not built/, url);
    }
  }
  const api = await fetch(`http://${address}/api/no-such-route`);
  assert.equal(api.status, 404);
  assert.equal(((await api.json()) as { code: string }).code, 'SKY_ERR_ROUTE_NOT_FOUND');
}

describe('web UI served at /', () => {
  it('by the analyzer, with auth on', async (t) => {
    const an = await startTestAnalyzer(t, { basicAuth: { users: { u: 'p' } } });
    await assertServesUi(an.address);
    assert.equal((await fetch(`http://${an.address}/api/status`)).status, 401);
  });

  it('by the agent', async (t) => {
    const agent = await startTestAgent(t);
    await assertServesUi(agent.address);
  });
});
