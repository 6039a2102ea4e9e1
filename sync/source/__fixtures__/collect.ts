/** Test helpers for the capture tests: read transactions from a source with a deadline. */
import type { ChangeSource, SourceTransaction } from '../../change.js';

export class Collector {
  private readonly iterator: AsyncIterator<SourceTransaction>;
  private pending: Promise<IteratorResult<SourceTransaction>> | undefined;

  constructor(source: ChangeSource) {
    this.iterator = source.transactions()[Symbol.asyncIterator]();
  }

  /** The next `count` transactions; throws after `timeoutMs`. */
  async take(count: number, timeoutMs = 20_000): Promise<SourceTransaction[]> {
    const out: SourceTransaction[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < count) {
      const next = await this.next(deadline - Date.now());
      if (next === 'timeout') throw new Error(`timed out after ${out.length} of ${count} transactions`);
      if (next.done) throw new Error(`the source ended after ${out.length} of ${count} transactions`);
      out.push(next.value);
    }
    return out;
  }

  /** Resolves 'quiet' when nothing arrives within `ms` (the next transaction otherwise). */
  async quiet(ms: number): Promise<'quiet' | SourceTransaction> {
    const next = await this.next(ms);
    if (next === 'timeout') return 'quiet';
    if (next.done) return 'quiet';
    return next.value;
  }

  private async next(ms: number): Promise<IteratorResult<SourceTransaction> | 'timeout'> {
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(1, ms))));
    const result = await Promise.race([this.pending, timeout]);
    clearTimeout(timer);
    if (result !== 'timeout') this.pending = undefined;
    return result;
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000, stepMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
