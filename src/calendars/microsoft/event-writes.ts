import { z } from "zod";
import type { NewEvent, TimeRange } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import { BUFFER_MARKER_PROPERTY_ID } from "./buffer-marker.js";
import type { CalendarDirectory } from "./calendars.js";
import { segment, type MicrosoftContext } from "./context.js";
import { toDateTimeTimeZone } from "./graph-time.js";

const createdSchema = z.object({ id: z.string() });

/**
 * Our buffer block: no attendees (so Outlook sends no invitations), shown as busy, carrying the
 * marker as a single-value extended property so sync recognises it (buffer-marker.ts).
 */
export async function createEvent(ctx: MicrosoftContext, calendars: CalendarDirectory, providerCalendarId: string, event: NewEvent): Promise<{ providerEventId: string }> {
  const path = (await calendars.isPrimary(providerCalendarId)) ? "/me/events" : `/me/calendars/${segment(providerCalendarId)}/events`;
  const created = await ctx.graph.json(
    {
      operation: "create event",
      method: "POST",
      path,
      body: {
        subject: event.title,
        body: { contentType: "text", content: event.description },
        start: toDateTimeTimeZone(event.start, event.timeZone),
        end: toDateTimeTimeZone(event.end, event.timeZone),
        showAs: "busy",
        isReminderOn: false,
        attendees: [],
        singleValueExtendedProperties: [{ id: BUFFER_MARKER_PROPERTY_ID, value: event.marker }],
      },
    },
    createdSchema,
  );
  return { providerEventId: created.id };
}

/**
 * Event ids are unique within the mailbox, so /me/events/{id} reaches events of any calendar.
 * The new times are sent in UTC: the interface gives no zone, and reading the event first to keep
 * its zone would cost a call for a cosmetic difference (the instant is what matters).
 */
export async function moveEvent(ctx: MicrosoftContext, providerEventId: string, range: TimeRange): Promise<void> {
  await ctx.graph.send({
    operation: "move event",
    method: "PATCH",
    path: `/me/events/${segment(providerEventId)}`,
    body: { start: toDateTimeTimeZone(range.start, "UTC"), end: toDateTimeTimeZone(range.end, "UTC") },
  });
}

/** Already gone (404; 410 is classified not_found outside delta) counts as done. */
export async function deleteEvent(ctx: MicrosoftContext, providerEventId: string): Promise<void> {
  try {
    await ctx.graph.send({ operation: "delete event", method: "DELETE", path: `/me/events/${segment(providerEventId)}` });
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "not_found") return;
    throw error;
  }
}
