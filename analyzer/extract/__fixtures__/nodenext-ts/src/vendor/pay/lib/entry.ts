export default function pay(amount: number): boolean {
  return amount > 0;
}
