export { createOrder } from './service.js';
export type { OrderId } from './types.js';
