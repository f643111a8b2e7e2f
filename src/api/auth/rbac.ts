// SPDX-License-Identifier: Apache-2.0
// A small casbin-like evaluator for Skydive's RBAC model: `p, subject, object, action, allow|deny`
// and `g, user, role` lines; a deny wins over an allow, no match means deny, `*` globs match.
import { InvalidArgumentError } from '../../graph/errors.js';
import { DEFAULT_POLICY } from './policy.js';
import type { Identity, Permission, Rbac } from './types.js';

interface Rule {
  subject: string;
  object: string;
  action: string;
  allow: boolean;
}

/** casbin's keyMatch: exact, or a pattern whose `*` matches any run of characters. */
function match(pattern: string, value: string): boolean {
  if (pattern === '*' || pattern === value) return true;
  if (!pattern.includes('*')) return false;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

/**
 * RBAC over the default policy plus extra lines (`rbac.policy`).
 * @example
 * const rbac = new PolicyRbac(['g, alice, guest']);
 * rbac.enforce({ user: 'alice', roles: rbac.rolesOf('alice'), token: '' }, 'capture', 'read'); // false
 */
export class PolicyRbac implements Rbac {
  private readonly rules: Rule[] = [];
  private readonly bindings = new Map<string, Set<string>>();

  constructor(extra: readonly string[] = [], base: readonly string[] = DEFAULT_POLICY) {
    for (const line of [...base, ...extra]) this.addLine(line);
  }

  /** Adds one policy line; throws InvalidArgumentError (SKY_ERR_INVALID_POLICY) when malformed. */
  addLine(line: string): void {
    const f = line.split(',').map((s) => s.trim());
    if (f.length === 1 && f[0] === '') return;
    const bad = (why: string): never => {
      throw new InvalidArgumentError('SKY_ERR_INVALID_POLICY', `policy line '${line}': ${why}`);
    };
    if (f[0] === 'p') {
      if (f.length < 4 || f.length > 5) bad('expected p, subject, object, action[, allow|deny]');
      const eft = f[4] ?? 'allow';
      if (eft !== 'allow' && eft !== 'deny') bad('effect must be allow or deny');
      if (f.slice(1, 4).some((x) => x === '')) bad('empty field');
      this.rules.push({ subject: f[1]!, object: f[2]!, action: f[3]!, allow: eft === 'allow' });
    } else if (f[0] === 'g') {
      if (f.length !== 3 || !f[1] || !f[2]) bad('expected g, user, role');
      let s = this.bindings.get(f[1]!);
      if (!s) this.bindings.set(f[1]!, (s = new Set()));
      s.add(f[2]!);
    } else bad('must start with p or g');
  }

  /** Roles bound to a user by `g` lines (empty when none: the backend's default role applies). */
  rolesOf(user: string): string[] {
    return [...(this.bindings.get(user) ?? [])];
  }

  private subjects(id: Identity): Set<string> {
    const out = new Set<string>([id.user]);
    const todo = [id.user, ...id.roles];
    while (todo.length > 0) {
      const s = todo.pop()!;
      out.add(s);
      for (const r of this.bindings.get(s) ?? []) if (!out.has(r)) todo.push(r);
    }
    return out;
  }

  enforce(id: Identity, object: string, action: string): boolean {
    const subjects = this.subjects(id);
    let allowed = false;
    for (const r of this.rules) {
      if (!subjects.has(r.subject) || !match(r.object, object) || !match(r.action, action))
        continue;
      if (!r.allow) return false;
      allowed = true;
    }
    return allowed;
  }

  permissions(id: Identity): Permission[] {
    const subjects = this.subjects(id);
    const seen = new Set<string>();
    const out: Permission[] = [];
    for (const r of this.rules) {
      if (!subjects.has(r.subject) || r.object.includes('*') || r.action.includes('*')) continue;
      const key = `${r.object}\u0000${r.action}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        Object: r.object,
        Action: r.action,
        Allowed: this.enforce(id, r.object, r.action),
      });
    }
    return out;
  }
}
