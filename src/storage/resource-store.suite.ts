// SPDX-License-Identifier: Apache-2.0
// Conformance suite every ResourceStore passes (memory now; SQLite and PostgreSQL later): call
// `resourceStoreSuite(name, factory)` from the backend's test file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceEvent, ResourceStore } from './resource-store.js';

/** Registers the shared ResourceStore tests; `factory` returns a fresh, empty store. */
export function resourceStoreSuite(name: string, factory: () => Promise<ResourceStore>): void {
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
  });
}
