// SPDX-License-Identifier: Apache-2.0
// Browser test (root): `bin/skydive allinone` serves the UI, which shows this host's live topology;
// a veth pair the test creates appears, is found by name and by Gremlin (highlighted), and its
// removal is shown; the time slider shows it again in the past, marked as removed since; a capture
// started from the UI on an interface shows the flow of a ping.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suiteTeardown, tempDir } from '../integration/helpers.js';
import { Scratch, isRoot, sh } from '../system/helpers/netns.js';
import {
  ensureUiBuilt,
  hasChromium,
  openBrowser,
  startAllinone,
  type Allinone,
  type BrowserPage,
  type UiGlobals,
} from './browser.js';

const skip = (!isRoot && 'needs root') || (!hasChromium && 'needs /usr/bin/chromium');

/** Names the page currently draws (not inside a collapsed group). */
const visible = (b: BrowserPage) =>
  b.page.evaluate(() => (globalThis as UiGlobals).__skydive?.visibleNames() ?? []);

describe('web UI on allinone (system)', { skip, timeout: 180_000 }, () => {
  const t = suiteTeardown();
  const s = new Scratch();
  const hostId = `sktest-ui-${randomBytes(3).toString('hex')}`;
  const vethA = s.name('a');
  const vethB = s.name('b');
  let ai: Allinone;
  let b: BrowserPage;
  /** A time at which the veth pair existed. */
  let existedAt = 0;

  before(async () => {
    t.after(() => s.cleanup());
    ensureUiBuilt();
    // private storage: history, flows and captures of this run only, removed after
    const dir = tempDir(t, 'sktest-ui-data-');
    const config = path.join(dir, 'skydive.yml');
    writeFileSync(
      config,
      `storage:\n  sktest:\n    driver: sqlite\n    data_dir: ${dir}\n` +
        'analyzer:\n  topology:\n    backend: sktest\n  flow:\n    backend: sktest\n',
    );
    ai = await startAllinone(t, { hostId, config });
    b = await openBrowser(t);
    await b.page.goto(`http://${ai.address}/`);
    await b.page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
  });
  after(() => s.assertClean());

  it("shows this host's live topology", async () => {
    await b.page.waitForFunction(
      (id) => ((globalThis as UiGlobals).__skydive?.visibleNames() ?? []).includes(id),
      hostId,
    );
    // every link of the root namespace is drawn (other tests' short-lived `sk…` links aside)
    const links = sh('ip -o link show')
      .split('\n')
      .map((l) => l.split(': ')[1]?.split('@')[0] ?? '')
      .filter((n) => n !== '' && !n.startsWith('sk'));
    assert.ok(links.includes('lo'));
    await b.page.waitForFunction((names) => {
      const v = (globalThis as UiGlobals).__skydive?.visibleNames() ?? [];
      return names.every((n) => v.includes(n));
    }, links);
    await b.screenshot('allinone-topology');
  });

  it('draws a veth created now, then shows its removal', async () => {
    sh(`ip link add ${s.hostLink(vethA)} type veth peer name ${vethB}`);
    await b.page.waitForFunction(
      (names) => {
        const v = (globalThis as UiGlobals).__skydive?.visibleNames() ?? [];
        return names.every((n) => v.includes(n));
      },
      [vethA, vethB],
    );
    existedAt = Date.now();
    await b.screenshot('allinone-veth-added');

    // a click on the line between the two ends selects their layer2 link
    const [p, q] = await b.page.evaluate(
      (names) => (globalThis as UiGlobals).__skydive!.locate(names),
      [vethA, vethB],
    );
    assert.ok(Math.hypot(q![0] - p![0], q![1] - p![1]) > 60, 'the two ends are apart once fitted');
    await b.page.mouse.click((p![0] + q![0]) / 2, (p![1] + q![1]) / 2);
    await b.page.getByTestId('details').filter({ hasText: 'Link layer2' }).waitFor();
    await b.screenshot('edge-selected');

    // by name: both ends match the common prefix
    await b.page.getByLabel('search by name').fill(s.name());
    await b.page.getByLabel('search by name').press('Enter');
    await b.page.waitForFunction(
      () => ((globalThis as UiGlobals).__skydive?.highlightedNames() ?? []).length === 2,
    );
    // by Gremlin: the server answers, the page highlights the match and fits it into view
    await b.page.getByLabel('gremlin query').fill(`G.V().Has('Name', '${vethA}')`);
    await b.page.getByRole('button', { name: 'Highlight' }).click();
    await b.page.getByTestId('search-status').filter({ hasText: '1 nodes match' }).waitFor();
    const lit = await b.page.evaluate(
      () => (globalThis as UiGlobals).__skydive?.highlightedNames() ?? [],
    );
    assert.deepEqual(lit, [vethA]);
    await b.screenshot('gremlin-highlight');
    // as a server-side filter: the page receives only the veth pair's subgraph
    await b.page
      .getByLabel('gremlin query')
      .fill(`G.V().Has('Name', Regex('${s.name()}.*')).SubGraph()`);
    await b.page.getByRole('button', { name: 'Filter' }).click();
    await b.page.waitForFunction(
      (names) => {
        const v = (globalThis as UiGlobals).__skydive?.visibleNames() ?? [];
        return v.length === 2 && names.every((n) => v.includes(n));
      },
      [vethA, vethB],
    );
    await b.screenshot('gremlin-filter');
    await b.page.getByRole('button', { name: 'Clear' }).click();
    await b.page.waitForFunction(
      (id) => ((globalThis as UiGlobals).__skydive?.visibleNames() ?? []).includes(id),
      hostId,
    );

    // the past time must fall strictly before the deletion, at one-second resolution
    await new Promise((r) => setTimeout(r, 1200));
    sh(`ip link del ${vethA}`);
    await b.page.waitForFunction(
      (names) => {
        const v = (globalThis as UiGlobals).__skydive?.visibleNames() ?? [];
        return names.every((n) => !v.includes(n));
      },
      [vethA, vethB],
    );
    await b.screenshot('allinone-veth-removed');
  });

  it('shows the removed veth in the past with the time slider', async (tc) => {
    const probe = await fetch(`http://${ai.address}/api/topology`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ GremlinQuery: "G.At('-1s').V().Count()" }),
    });
    if (!probe.ok) {
      tc.skip(`the analyzer has no history yet: ${await probe.text()}`);
      return;
    }
    await b.page.getByRole('button', { name: 'History' }).click();
    const ago = Math.floor((Date.now() - existedAt) / 1000);
    await b.page.getByLabel('seconds ago').fill(String(ago));
    await b.page.getByRole('button', { name: 'Show' }).click();
    await b.page.getByTestId('diff-removed').filter({ hasText: vethA }).waitFor();
    const removed = await b.page.evaluate(
      () => (globalThis as UiGlobals).__skydive?.removedNames() ?? [],
    );
    assert.ok(removed.includes(vethA), `${vethA} is drawn as removed since`);
    // the lists come from the analyzer's diff route when it has one
    const route = await fetch(`http://${ai.address}/api/topology/diff?from=-1s`);
    const source = await b.page.getByTestId('diff-source').innerText();
    assert.equal(source.includes("analyzer's diff"), route.ok, source);
    await b.screenshot('history-removed');
    await b.page.getByRole('button', { name: 'Live' }).click();
    await b.page.getByTestId('history-mode').filter({ hasText: 'live' }).waitFor();
    assert.ok(!(await visible(b)).includes(vethA), 'back to live: the veth is gone again');
  });

  it('captures a ping from the UI and shows its flows', async (tc) => {
    const probe = await fetch(`http://${ai.address}/api/capture`);
    if (!probe.ok) {
      tc.skip(`the analyzer has no capture API yet: ${probe.status}`);
      return;
    }
    const ns = s.netns('n');
    const near = s.hostLink(s.name('c'));
    const far = s.name('d');
    sh(`ip link add ${near} type veth peer name ${far} && ip link set ${far} netns ${ns}`);
    sh(`ip addr add 10.231.99.1/24 dev ${near} && ip link set ${near} up`);
    sh(`ip -n ${ns} addr add 10.231.99.2/24 dev ${far} && ip -n ${ns} link set ${far} up`);
    await b.page.getByRole('button', { name: 'Details' }).click();
    await b.page.getByLabel('search by name').fill(near);
    await b.page.getByLabel('search by name').press('Enter');
    // a single match is selected: its details show, with the capture shortcut
    await b.page.getByTestId('details').filter({ hasText: near }).waitFor();
    await b.page.getByRole('button', { name: 'Capture…' }).click();
    const gremlin = await b.page.getByLabel('capture gremlin').inputValue();
    assert.match(gremlin, /^G\.V\('.+'\)$/);
    await b.page.getByLabel('capture bpf').fill('icmp');
    await b.page.getByLabel('capture name').fill(s.name('cap'));
    await b.page.getByRole('button', { name: 'Start capture' }).click();
    const row = b.page.getByTestId('capture-row').filter({ hasText: s.name('cap') });
    await row.waitFor().catch(async (err: Error) => {
      await b.screenshot('capture-failed');
      throw err;
    });
    try {
      // the agent reports the capture active on the node
      await row.getByTestId('capture-count').filter({ hasText: '1' }).waitFor({ timeout: 30_000 });
      sh('ping -c 3 -i 0.2 -W 1 10.231.99.2');
      await b.page.getByRole('button', { name: 'Flows' }).click();
      await b.page
        .getByTestId('flow-row')
        .filter({ hasText: 'ICMPv4' })
        .filter({ hasText: '10.231.99.2' })
        .waitFor({ timeout: 30_000 });
      await b.screenshot('capture-flows');
    } finally {
      await b.page.getByRole('button', { name: 'Captures' }).click();
      await row.getByRole('button', { name: 'Delete' }).click();
      await row.waitFor({ state: 'detached' });
    }
  });
});
