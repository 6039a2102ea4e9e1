import type { OrderDraft } from './types.js';
import { format } from '../money/money.js';

/** Creates an order from a draft. */
export function createOrder(draft: OrderDraft): string {
  return `${draft.id}: ${format(draft.total)}`;
}
