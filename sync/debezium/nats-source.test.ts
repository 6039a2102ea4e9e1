import { describe, expect, it } from 'vitest';
import { subjectMatches } from './nats-source.js';

describe('subjectMatches (the subject filters applied when the server cannot: NATS before 2.10)', () => {
  it.each([
    ['shop.public.products', 'shop.public.products', true],
    ['shop.public.products', 'shop.public.orders', false],
    ['shop.public.products', 'shop.public.products.x', false],
    ['shop.public.products', 'shop.public', false],
    ['shop.public.*', 'shop.public.orders', true],
    ['shop.public.*', 'shop.public', false],
    ['shop.public.*', 'shop.public.orders.x', false],
    ['shop.*.orders', 'shop.inventory.orders', true],
    ['shop.>', 'shop.public.orders', true],
    ['shop.>', 'shop.public', true],
    ['shop.>', 'shop', false],
    ['>', 'anything.at.all', true],
    ['*', 'one', true],
    ['*', 'one.two', false],
    ['shop.>', 'other.public', false],
  ])('%s against %s: %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
  });
});
