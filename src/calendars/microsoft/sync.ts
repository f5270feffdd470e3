import { z } from "zod";
import { mapWithConcurrency } from "../../platform/index.js";
import type { EventChange, SyncPage, SyncRequest } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import { readPageWaitingOutShortThrottles } from "../sync-pages.js";
import { BUFFER_MARKER_EXPAND, isBufferMarker } from "./buffer-marker.js";
import type { CalendarDirectory } from "./calendars.js";
import { DELTA_HEADERS, segment, type MicrosoftContext } from "./context.js";
import { PROVIDER } from "./endpoints.js";
import { deltaPageSchema, type DeltaPage, type GraphEvent } from "./event-schema.js";
import { toCalendarEvent } from "./event-mapping.js";

/** A round that needs more pages than this is not converging; stop rather than loop forever. */
const MAX_PAGES_PER_ROUND = 1_000;
const MARKER_LOOKUP_CONCURRENCY = 4;

const markerLookupSchema = z.object({
  id: z.string(),
  singleValueExtendedProperties: z.array(z.object({ id: z.string(), value: z.string().nullish() })).nullish(),
});

/**
 * One delta round ("event: delta" on a calendarView), page by page. A full round starts from the
 * window; an incremental round starts from the stored @odata.deltaLink. Every @odata.nextLink is
 * followed to the round's @odata.deltaLink, which becomes the next cursor. A 410 / SyncStateNotFound /
 * resyncRequired raises cursor_expired (graph-errors.ts): the caller starts a full round.
 *
 * Delta returns the same properties as GET /calendarView (so attendees, responseStatus and
 * onlineMeeting are there) but accepts neither $select nor $expand, so extended properties (our
 * buffer marker) never come with it. They are fetched per event, and only for events that can be
 * our buffer: organised by the user with no attendees other than rooms, which is how createEvent
 * writes them. Ordinary meetings (the bulk of a calendar) cost nothing extra.
 */
export async function* syncPages(ctx: MicrosoftContext, calendars: CalendarDirectory, request: SyncRequest): AsyncGenerator<SyncPage> {
  const full = request.cursor === null;
  let link: string | undefined = request.cursor ?? (await fullRoundPath(calendars, request));
  for (let pages = 0; link; pages += 1) {
    if (pages >= MAX_PAGES_PER_ROUND) throw new ProviderError(PROVIDER, "transient", `Microsoft Graph delta round did not finish within ${MAX_PAGES_PER_ROUND} pages`);
    const path: string = link;
    const page: DeltaPage = await readPageWaitingOutShortThrottles(() => ctx.graph.json({ operation: "calendar delta", method: "GET", path, headers: DELTA_HEADERS, isDelta: true }, deltaPageSchema));
    const removed: EventChange[] = [];
    const events: GraphEvent[] = [];
    for (const item of page.value) {
      if ("@removed" in item) removed.push({ kind: "removed", providerEventId: item.id });
      else events.push(item);
    }
    const withMarkers = await addBufferMarkers(ctx, events);
    const upserts: EventChange[] = withMarkers.map((event) => ({ kind: "upsert", event: toCalendarEvent(event, ctx.account.accountEmail) }));
    const deltaLink = page["@odata.deltaLink"];
    yield { changes: [...upserts, ...removed], nextCursor: deltaLink ?? null, full };
    if (deltaLink) return;
    link = page["@odata.nextLink"];
  }
  throw new ProviderError(PROVIDER, "invalid", "Microsoft Graph delta page had neither @odata.nextLink nor @odata.deltaLink");
}

async function fullRoundPath(calendars: CalendarDirectory, request: SyncRequest): Promise<string> {
  const window = `startDateTime=${encodeURIComponent(request.window.start.toISOString())}&endDateTime=${encodeURIComponent(request.window.end.toISOString())}`;
  return (await calendars.isPrimary(request.providerCalendarId))
    ? `/me/calendarView/delta?${window}`
    : `/me/calendars/${segment(request.providerCalendarId)}/calendarView/delta?${window}`;
}

function mayBeBuffer(event: GraphEvent): boolean {
  return event.isOrganizer === true && (event.attendees ?? []).every((attendee) => attendee.type === "resource");
}

async function addBufferMarkers(ctx: MicrosoftContext, events: GraphEvent[]): Promise<GraphEvent[]> {
  return mapWithConcurrency(events, MARKER_LOOKUP_CONCURRENCY, async (event) => {
    if (!mayBeBuffer(event) || isBufferMarker(event.singleValueExtendedProperties)) return event;
    try {
      const found = await ctx.graph.json(
        { operation: "read buffer marker", method: "GET", path: `/me/events/${segment(event.id)}?$select=id&$expand=${encodeURIComponent(BUFFER_MARKER_EXPAND)}` },
        markerLookupSchema,
      );
      return { ...event, singleValueExtendedProperties: found.singleValueExtendedProperties ?? [] };
    } catch (error) {
      // Deleted since the delta page was read: the next round reports it as @removed.
      if (error instanceof ProviderError && error.kind === "not_found") return event;
      throw error;
    }
  });
}
