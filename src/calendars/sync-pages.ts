import { ProviderError } from "./provider-error.js";
import type { CalendarProvider, EventChange, SyncPage, SyncRequest, SyncRound } from "./provider.js";

/** A round as pages: the provider's own pages when it offers them, else its whole round as one page. */
export async function* roundPages(provider: CalendarProvider, request: SyncRequest): AsyncGenerator<SyncPage> {
  if (provider.syncPages) {
    yield* provider.syncPages(request);
    return;
  }
  const round = await provider.syncEvents(request);
  yield { changes: round.changes, nextCursor: round.nextCursor, full: round.full };
}

/** Collects a paged round into one SyncRound (callers that want the whole round at once). */
export async function collectRound(kind: CalendarProvider["kind"], pages: AsyncIterable<SyncPage>): Promise<SyncRound> {
  const changes: EventChange[] = [];
  for await (const page of pages) {
    changes.push(...page.changes);
    if (page.nextCursor !== null) return { changes, nextCursor: page.nextCursor, full: page.full };
  }
  throw new ProviderError(kind, "invalid", "the sync round ended without a cursor for the next round");
}

/**
 * The longest Retry-After a sync round waits out where it is. A throttle this short (Graph asks
 * for a second or two when a burst of page reads trips it) costs less than ending the round:
 * that would roll back every page stored so far and read them all again later. A longer one
 * ends the round (the connection backs off and its sync is queued for that instant).
 */
export const WAIT_IN_ROUND_MAX_MS = 5_000;
/** Waits per page read: a provider that keeps throttling gets the round ended, not a loop. */
const WAITS_PER_READ = 3;

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads one page of a round, waiting out a short Retry-After (≤ WAIT_IN_ROUND_MAX_MS) and reading
 * the same page again, so the round continues from where it was instead of from page 1.
 */
export async function readPageWaitingOutShortThrottles<T>(read: () => Promise<T>, sleep: Sleep = realSleep): Promise<T> {
  for (let waits = 0; ; waits += 1) {
    try {
      return await read();
    } catch (error) {
      const waitMs = error instanceof ProviderError && error.kind === "rate_limited" ? error.retryAfterMs : null;
      if (waitMs === null || waitMs > WAIT_IN_ROUND_MAX_MS || waits >= WAITS_PER_READ) throw error;
      await sleep(waitMs);
    }
  }
}
