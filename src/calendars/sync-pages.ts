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
