export function health(): string {
  return 'ok';
}
