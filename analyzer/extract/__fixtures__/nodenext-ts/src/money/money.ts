export type Money = number;
export type Currency = 'EUR' | 'USD';

export function format(amount: Money): string {
  return amount.toFixed(2);
}

export function parse(text: string): Money {
  return Number(text);
}
