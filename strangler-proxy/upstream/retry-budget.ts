/**
 * A retry budget (token bucket): every request earns `ratio` of a retry, a retry spends
 * one, and the bucket holds at most `burst`. Under a failing upstream retries stay a small
 * share of traffic instead of multiplying it.
 */
export class RetryBudget {
  private tokens: number;

  constructor(
    private readonly ratio: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  onRequest(): void {
    if (this.tokens < this.burst) this.tokens = Math.min(this.burst, this.tokens + this.ratio);
  }

  /** Takes one retry if the budget has one. */
  tryRetry(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  available(): number {
    return this.tokens;
  }
}
