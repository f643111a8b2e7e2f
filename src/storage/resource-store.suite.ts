// SPDX-License-Identifier: Apache-2.0
// Conformance suite every ResourceStore passes (memory, SQLite, PostgreSQL): call
// `resourceStoreSuite(name, factory, opts)` from the backend's test file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceEvent, ResourceKind, ResourceStore } from './resource-store.js';

/** Options of the suite for backends whose data outlives one store instance. */
export interface ResourceSuiteOptions {
  /**
   * Returns an opener bound to a fresh, empty database: each call opens one more instance on it
   * (two analyzers sharing a database, or one analyzer restarted). Absent for the memory store,
   * whose data lives and dies with its single instance.
   */
  location?: () => Promise<() => Promise<ResourceStore>>;
}

/**
 * The next event of `kind` on `s` that satisfies `pred`; rejects after 10 s so that a store that
 * never delivers fails the test instead of hanging it.
 */
export function nextEvent(
  s: ResourceStore,
  kind: ResourceKind,
  pred: (e: ResourceEvent) => boolean,
): Promise<ResourceEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching ${kind} event within 10 s`));
    }, 10_000);
    const off = s.watch(kind, (e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Registers the shared ResourceStore tests; `factory` returns a fresh, empty store. */
export function resourceStoreSuite(
  name: string,
  factory: () => Promise<ResourceStore>,
  opts: ResourceSuiteOptions = {},
): void {
  describe(`ResourceStore conformance: ${name}`, () => {
    const withStore = (fn: (s: ResourceStore) => Promise<void>) => async () => {
      const s = await factory();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };

    it(
      'creates, gets, lists in creation order and deletes',
      withStore(async (s) => {
        await s.create('noderule', { UUID: 'b', Name: 'second?' });
        await s.create('noderule', { UUID: 'a', Name: 'x' });
        assert.deepEqual((await s.get('noderule', 'a'))?.['Name'], 'x');
        assert.deepEqual(
          (await s.list('noderule')).map((r) => r.UUID),
          ['b', 'a'],
        );
        assert.deepEqual(await s.list('edgerule'), []);
        assert.equal((await s.delete('noderule', 'a'))?.UUID, 'a');
        assert.equal(await s.get('noderule', 'a'), undefined);
        assert.equal(await s.delete('noderule', 'a'), undefined);
      }),
    );

    it(
      'rejects a duplicate UUID with a conflict',
      withStore(async (s) => {
        await s.create('capture', { UUID: 'u1' });
        await assert.rejects(s.create('capture', { UUID: 'u1' }), { kind: 'conflict' });
        await s.create('alert', { UUID: 'u1' });
      }),
    );

    it(
      'returns copies that do not alias the store',
      withStore(async (s) => {
        const input = { UUID: 'c', Metadata: { A: 1 } };
        const created = await s.create('noderule', input);
        input.Metadata.A = 2;
        (created['Metadata'] as Record<string, number>)['A'] = 3;
        const got = await s.get('noderule', 'c');
        assert.deepEqual(got?.['Metadata'], { A: 1 });
      }),
    );

    it(
      'tells watchers, replays existing resources and unsubscribes',
      withStore(async (s) => {
        await s.create('edgerule', { UUID: 'old' });
        const seen: string[] = [];
        const off = s.watch(
          'edgerule',
          (e: ResourceEvent) => seen.push(`${e.type}:${e.resource.UUID}`),
          { replay: true },
        );
        await s.create('edgerule', { UUID: 'new' });
        await s.create('noderule', { UUID: 'other-kind' });
        await s.delete('edgerule', 'old');
        off();
        await s.delete('edgerule', 'new');
        assert.deepEqual(seen, ['created:old', 'created:new', 'deleted:old']);
      }),
    );

    it(
      'expires a resource after its TTL',
      withStore(async (s) => {
        const expired = new Promise<ResourceEvent>((resolve) => {
          s.watch('capture', (e) => {
            if (e.type === 'expired') resolve(e);
          });
        });
        // Stores unref their TTL timers (they must not keep a server alive); this ref'd guard keeps
        // the test's event loop running until the expiry has been seen.
        const guard = setTimeout(() => undefined, 10_000);
        await s.create('capture', { UUID: 'ttl' }, { ttlMs: 5 });
        try {
          assert.equal((await expired).resource.UUID, 'ttl');
        } finally {
          clearTimeout(guard);
        }
        assert.equal(await s.get('capture', 'ttl'), undefined);
      }),
    );

    const location = opts.location;
    if (!location) return;
    const withPair =
      (
        fn: (
          a: ResourceStore,
          b: ResourceStore,
          open: () => Promise<ResourceStore>,
        ) => Promise<void>,
      ) =>
      async () => {
        const open = await location();
        const a = await open();
        const b = await open().catch(async (err: unknown) => {
          await a.close();
          throw err;
        });
        try {
          await fn(a, b, open);
        } finally {
          await a.close();
          await b.close();
        }
      };

    it(
      'lets two instances on one database see each other’s creates, deletes and expiries',
      withPair(async (a, b) => {
        const bCreated = nextEvent(b, 'noderule', (e) => e.type === 'created');
        await a.create('noderule', { UUID: 'shared', Name: 'from-a' });
        assert.deepEqual((await bCreated).resource, { UUID: 'shared', Name: 'from-a' });
        assert.equal((await b.get('noderule', 'shared'))?.['Name'], 'from-a');

        const aDeleted = nextEvent(a, 'noderule', (e) => e.type === 'deleted');
        assert.equal((await b.delete('noderule', 'shared'))?.UUID, 'shared');
        assert.equal((await aDeleted).resource.UUID, 'shared');
        assert.equal(await a.get('noderule', 'shared'), undefined);

        // One expiry, seen once by the watchers of each instance.
        const seenA: string[] = [];
        const seenB: string[] = [];
        a.watch('capture', (e) => seenA.push(`${e.type}:${e.resource.UUID}`));
        b.watch('capture', (e) => seenB.push(`${e.type}:${e.resource.UUID}`));
        const aExpired = nextEvent(a, 'capture', (e) => e.type === 'expired');
        const bExpired = nextEvent(b, 'capture', (e) => e.type === 'expired');
        await a.create('capture', { UUID: 'short' }, { ttlMs: 50 });
        await Promise.all([aExpired, bExpired]);
        // a marker created afterwards: once both saw it, nothing about 'short' can still be pending
        const aMarker = nextEvent(a, 'capture', (e) => e.resource.UUID === 'marker');
        const bMarker = nextEvent(b, 'capture', (e) => e.resource.UUID === 'marker');
        await b.create('capture', { UUID: 'marker' });
        await Promise.all([aMarker, bMarker]);
        const expected = ['created:short', 'expired:short', 'created:marker'];
        assert.deepEqual(seenA, expected);
        assert.deepEqual(seenB, expected);
      }),
    );

    it(
      'replays to a late watcher what another instance created',
      withPair(async (a, b) => {
        const seen = nextEvent(b, 'alert', (e) => e.resource.UUID === 'al2');
        await a.create('alert', { UUID: 'al1' });
        await a.create('alert', { UUID: 'al2' });
        assert.equal((await seen).type, 'created');
        const replayed: string[] = [];
        b.watch('alert', (e) => replayed.push(e.resource.UUID), { replay: true })();
        assert.deepEqual(replayed, ['al1', 'al2']);
        assert.deepEqual(
          (await b.list('alert')).map((r) => r.UUID),
          ['al1', 'al2'],
        );
      }),
    );

    it('keeps resources and their expiry time across a restart', async () => {
      const open = await location();
      const first = await open();
      await first.create('workflow', { UUID: 'wf', Source: 'x' });
      await first.create('capture', { UUID: 'cap', GremlinQuery: 'G.V()' }, { ttlMs: 300 });
      await first.close();
      const second = await open();
      try {
        const expired = nextEvent(second, 'capture', (e) => e.type === 'expired');
        assert.equal((await second.get('workflow', 'wf'))?.['Source'], 'x');
        assert.equal((await expired).resource.UUID, 'cap');
        assert.equal(await second.get('capture', 'cap'), undefined);
        assert.equal((await second.get('workflow', 'wf'))?.UUID, 'wf');
      } finally {
        await second.close();
      }
    });
  });
}
