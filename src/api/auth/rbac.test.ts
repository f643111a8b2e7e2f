// SPDX-License-Identifier: Apache-2.0
// RBAC evaluation: default admin/guest policy, extra lines, bindings, deny over allow, globs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyRbac } from './rbac.js';
import type { Identity } from './types.js';

const who = (user: string, roles: string[]): Identity => ({ user, roles, token: '' });

describe('PolicyRbac', () => {
  const rbac = new PolicyRbac();

  it('#.enforce lets admin do everything, including objects not in the policy', () => {
    const admin = who('bob', ['admin']);
    for (const [o, a] of [
      ['capture', 'write'],
      ['node', 'write'],
      ['websocket', '/ws/publisher'],
      ['something-new', 'write'],
    ] as const)
      assert.equal(rbac.enforce(admin, o, a), true, `${o} ${a}`);
  });

  it('#.enforce limits guest to status, topology and /ws/subscriber', () => {
    const guest = who('eve', ['guest']);
    assert.equal(rbac.enforce(guest, 'status', 'read'), true);
    assert.equal(rbac.enforce(guest, 'topology', 'read'), true);
    assert.equal(rbac.enforce(guest, 'websocket', '/ws/subscriber'), true);
    assert.equal(rbac.enforce(guest, 'websocket', '/ws/publisher'), false);
    assert.equal(rbac.enforce(guest, 'capture', 'read'), false);
    assert.equal(rbac.enforce(guest, 'node', 'read'), false);
    assert.equal(rbac.enforce(guest, 'noderule', 'write'), false);
  });

  it('#.enforce denies a subject without any rule', () => {
    assert.equal(rbac.enforce(who('nobody', []), 'status', 'read'), false);
  });

  it('extra lines add roles, bind users and a deny wins over an allow', () => {
    const r = new PolicyRbac([
      'p, ops, capture, *, allow',
      'g, alice, ops',
      'g, alice, guest',
      'p, carol, status, read, deny',
      'g, carol, admin',
    ]);
    assert.deepEqual(r.rolesOf('alice').sort(), ['guest', 'ops']);
    const alice = who('alice', r.rolesOf('alice'));
    // guest explicitly denies capture read/write: deny wins.
    assert.equal(r.enforce(alice, 'capture', 'read'), false);
    assert.equal(r.enforce(alice, 'topology', 'read'), true);
    const carol = who('carol', r.rolesOf('carol'));
    assert.equal(r.enforce(carol, 'status', 'read'), false);
    assert.equal(r.enforce(carol, 'node', 'write'), true);
    const ops = who('dan', ['ops']);
    assert.equal(r.enforce(ops, 'capture', 'rawpackets'), true);
    assert.equal(r.enforce(ops, 'node', 'read'), false);
  });

  it('#.permissions lists the explicit pairs of the subject with their outcome', () => {
    const perms = rbac.permissions(who('eve', ['guest']));
    assert.deepEqual(
      perms.find((p) => p.Object === 'topology'),
      { Object: 'topology', Action: 'read', Allowed: true },
    );
    assert.deepEqual(
      perms.find((p) => p.Object === 'capture' && p.Action === 'write'),
      { Object: 'capture', Action: 'write', Allowed: false },
    );
    const admin = rbac.permissions(who('admin', ['admin']));
    assert.ok(admin.length >= 29);
    assert.ok(admin.every((p) => p.Allowed && !p.Object.includes('*')));
  });

  it('rejects malformed lines with SKY_ERR_INVALID_POLICY', () => {
    for (const bad of ['x, a, b', 'p, a, b', 'p, a, b, c, maybe', 'g, onlyone', 'p, , o, a'])
      assert.throws(() => new PolicyRbac([bad]), { code: 'SKY_ERR_INVALID_POLICY' }, bad);
    assert.doesNotThrow(() => new PolicyRbac(['']));
  });
});
