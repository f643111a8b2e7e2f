// SPDX-License-Identifier: Apache-2.0
// Browser test: with basic authentication on, the UI shows a login page, refuses a bad password,
// and after a good one shows the live graph (the subscriber connects with the login's cookie).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { startTestAnalyzer } from '../integration/helpers.js';
import { ensureUiBuilt, hasChromium, openBrowser, type UiGlobals } from './browser.js';

describe(
  'web UI login',
  { skip: !hasChromium && 'needs /usr/bin/chromium', timeout: 120_000 },
  () => {
    before(() => ensureUiBuilt());

    it('logs in with basic auth and shows the live graph', async (t) => {
      const an = await startTestAnalyzer(t, { basicAuth: { users: { alice: 'sktest-pw' } } });
      const rest = an.client({ username: 'alice', password: 'sktest-pw' });
      await rest.create('node', {
        ID: 'sktest-login-host',
        Metadata: { Name: 'sktest-login-host', Type: 'host' },
        Host: 'h',
        Origin: 'cli.h',
        CreatedAt: 1,
        UpdatedAt: 1,
        Revision: 1,
      });
      const b = await openBrowser(t);
      const { page } = b;
      await page.goto(`http://${an.address}/`);
      await page.getByRole('form', { name: 'login' }).waitFor();
      await b.screenshot('login-form');

      await page.fill('input[name=username]', 'alice');
      await page.fill('input[name=password]', 'wrong');
      await page.click('button[type=submit]');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /401/);

      await page.fill('input[name=password]', 'sktest-pw');
      await page.click('button[type=submit]');
      await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
      await page.waitForFunction(() =>
        ((globalThis as UiGlobals).__skydive?.visibleNames() ?? []).includes('sktest-login-host'),
      );
      await b.screenshot('login-done');
      assert.deepEqual(b.errors, []);
    });
  },
);
