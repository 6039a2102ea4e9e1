import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.js';

describe('retry budget', () => {
  it('starts with the burst, then earns `ratio` retries per request', () => {
    const budget = new RetryBudget(0.2, 3);
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, true, false]);
    for (let i = 0; i < 4; i++) budget.onRequest();
    expect(budget.tryRetry()).toBe(false);
    budget.onRequest();
    expect(budget.tryRetry()).toBe(true);
  });

  it('holds at most the burst, so retries stay a bounded share under failure', () => {
    const budget = new RetryBudget(0.5, 2);
    for (let i = 0; i < 100; i++) budget.onRequest();
    expect(budget.available()).toBe(2);
    let retries = 0;
    for (let i = 0; i < 1000; i++) {
      budget.onRequest();
      if (budget.tryRetry()) retries++;
    }
    expect(retries).toBeLessThanOrEqual(502);
    expect(retries).toBeGreaterThanOrEqual(499);
  });
});
