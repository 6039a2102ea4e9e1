import { placeOrder } from '@app/orders/service.js';
import { db } from '@db';

export function start() {
  return [placeOrder, db];
}
