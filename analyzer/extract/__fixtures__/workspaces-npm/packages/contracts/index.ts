export interface OrderPlaced {
  orderId: string;
  total: number;
}
