export interface Customer {
  id: CustomerId;
  name: string;
}

export type CustomerId = string;
