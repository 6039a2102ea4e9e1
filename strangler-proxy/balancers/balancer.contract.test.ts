/** The one contract every balancer passes (STYLE.md habit 7), plus what each one promises. */
import { describe, expect, it } from 'vitest';
import type { BalancerName } from '../config/schema.js';
import { BALANCERS } from '../config/schema.js';
import type { BalancerTarget } from './balancer.js';
import { consistentHash } from './consistent-hash.js';
import { createBalancer } from './index.js';
import { leastConnections } from './least-connections.js';
import { p2cEwma } from './p2c-ewma.js';

interface Target extends BalancerTarget {
  inflight: number;
  ewmaMs: number;
}

const targets = (count: number): Target[] =>
  Array.from({ length: count }, (_, i) => ({ key: `http://10.0.0.${i + 1}:80`, inflight: 0, ewmaMs: 0 }));

describe.each(BALANCERS.map((name) => [name]))('balancer contract: %s', (name: BalancerName) => {
  it('picks nothing from no candidates', () => {
    expect(createBalancer(name, targets(3)).pick([], 'key')).toBeUndefined();
  });

  it('always picks one of the candidates, never an excluded target', () => {
    const all = targets(5);
    const balancer = createBalancer(name, all);
    const candidates = [all[0], all[2], all[4]].filter((t): t is Target => t !== undefined);
    for (let i = 0; i < 500; i++) expect(candidates).toContain(balancer.pick(candidates, `user-${i}`));
  });

  it('uses the single candidate when only one is left', () => {
    const all = targets(4);
    const only = all[3];
    if (!only) throw new Error('no target');
    expect(createBalancer(name, all).pick([only], 'k')).toBe(only);
  });

  it('spreads varied traffic over every candidate', () => {
    const all = targets(4);
    const balancer = createBalancer(name, all);
    const seen = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const picked = balancer.pick(all, `user-${i}`);
      if (picked) seen.set(picked.key, (seen.get(picked.key) ?? 0) + 1);
    }
    expect(seen.size).toBe(4);
    for (const count of seen.values()) expect(count).toBeGreaterThan(2000 / 4 / 3);
  });

  it('works without a hash key', () => {
    const all = targets(3);
    const balancer = createBalancer(name, all);
    for (let i = 0; i < 10; i++) expect(all).toContain(balancer.pick(all, undefined));
  });
});

describe('what each balancer promises', () => {
  it('least-connections picks the target with fewest in flight', () => {
    const all = targets(3);
    all.forEach((t, i) => (t.inflight = [5, 1, 3][i] ?? 0));
    const balancer = leastConnections<Target>();
    for (let i = 0; i < 10; i++) expect(balancer.pick(all, undefined)).toBe(all[1]);
  });

  it('p2c-ewma prefers the faster of the two it draws', () => {
    const all = targets(2);
    const [fast, slow] = all;
    if (!fast || !slow) throw new Error('no targets');
    fast.ewmaMs = 2;
    slow.ewmaMs = 200;
    const balancer = p2cEwma<Target>();
    for (let i = 0; i < 20; i++) expect(balancer.pick(all, undefined)).toBe(fast);
    slow.ewmaMs = 1;
    fast.inflight = 10;
    expect(balancer.pick(all, undefined)).toBe(slow);
  });

  it('consistent-hash keeps a key on its target, and moves only the keys of a target that left', () => {
    const all = targets(5);
    const balancer = consistentHash(all);
    const before = new Map<string, Target | undefined>();
    for (let i = 0; i < 1000; i++) before.set(`user-${i}`, balancer.pick(all, `user-${i}`));
    for (const [key, target] of before) expect(balancer.pick(all, key)).toBe(target);
    const gone = all[2];
    const rest = all.filter((t) => t !== gone);
    let moved = 0;
    for (const [key, target] of before) {
      const now = balancer.pick(rest, key);
      if (target !== gone) expect(now).toBe(target);
      else moved++;
    }
    expect(moved).toBeGreaterThan(100);
    expect(moved).toBeLessThan(320);
  });
});
