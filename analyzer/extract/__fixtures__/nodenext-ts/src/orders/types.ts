export type OrderId = string;

export interface OrderDraft {
  id: OrderId;
  total: number;
}
