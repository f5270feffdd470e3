/**
 * Exponential backoff with full jitter and a cap (the AWS architecture blog's "full
 * jitter"): spreads retries of many connections instead of synchronising them.
 */
export function backoffDelayMs(attempt: number, options: { baseMs?: number; capMs?: number; random?: () => number } = {}): number {
  const base = options.baseMs ?? 30_000;
  const cap = options.capMs ?? 60 * 60 * 1000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  return Math.round((options.random ?? Math.random)() * ceiling);
}
