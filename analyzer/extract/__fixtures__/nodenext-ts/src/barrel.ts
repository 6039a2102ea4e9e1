// A barrel: everything of the tax module, and one value.
export * from './tax/tax.js';
export { rate } from './tax/rates.js';
