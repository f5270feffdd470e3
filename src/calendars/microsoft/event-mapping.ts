import type { CalendarEvent, EventAttendee, EventPerson, ResponseStatus } from "../provider.js";
import { isBufferMarker } from "./buffer-marker.js";
import type { GraphEvent } from "./event-schema.js";
import { instantOf, parseInstant } from "./graph-time.js";
import { toIanaZone } from "./time-zones.js";

/** Graph responseType values; "organizer" is the organiser's own answer (always going). */
const RESPONSES: Record<string, ResponseStatus> = {
  organizer: "accepted",
  accepted: "accepted",
  tentativelyAccepted: "tentative",
  declined: "declined",
  none: "needs_action",
  notResponded: "needs_action",
};

function response(value: string | null | undefined): ResponseStatus {
  return RESPONSES[value ?? "none"] ?? "needs_action";
}

const sameAddress = (a: string | null | undefined, b: string | null | undefined): boolean => Boolean(a && b && a.toLowerCase() === b.toLowerCase());

/**
 * A Graph event (calendarView item: a single event, an occurrence or an exception; series masters
 * never appear in a calendarView) as the product's CalendarEvent. `selfEmail` is the connected
 * account's address, to find the user among the attendees.
 */
export function toCalendarEvent(event: GraphEvent, selfEmail: string): CalendarEvent {
  const organizerAddress = event.organizer?.emailAddress?.address ?? null;
  const organizer: EventPerson | null = organizerAddress ? { email: organizerAddress, name: event.organizer?.emailAddress?.name ?? null } : null;
  const isOrganizer = event.isOrganizer === true;
  const attendees: EventAttendee[] = (event.attendees ?? []).flatMap((attendee) => {
    const email = attendee.emailAddress?.address;
    if (!email) return [];
    return [{
      email,
      name: attendee.emailAddress?.name ?? null,
      response: response(attendee.status?.response),
      isSelf: sameAddress(email, selfEmail),
      isOrganizer: sameAddress(email, organizerAddress),
      isOptional: attendee.type === "optional",
      isResource: attendee.type === "resource",
    }];
  });
  const joinUrl = event.onlineMeeting?.joinUrl ?? null;
  return {
    providerEventId: event.id,
    iCalUid: event.iCalUId ?? null,
    seriesId: event.seriesMasterId ?? null,
    originalStart: parseInstant(event.originalStart),
    title: event.subject ?? "",
    description: description(event),
    location: event.location?.displayName || null,
    start: instantOf(event.start),
    end: instantOf(event.end),
    // originalStartTimeZone is the zone the event was written in; start.timeZone is only the
    // zone we asked Graph to answer in (Prefer: outlook.timezone), so it comes second.
    timeZone: toIanaZone(event.originalStartTimeZone) ?? toIanaZone(event.start.timeZone) ?? "UTC",
    isAllDay: event.isAllDay === true,
    organizer,
    isOrganizer,
    attendees,
    selfResponse: isOrganizer ? "accepted" : response(event.responseStatus?.response),
    isCancelled: event.isCancelled === true,
    isFree: event.showAs === "free",
    isBuffer: isBufferMarker(event.singleValueExtendedProperties),
    conference: { meetCode: null, teamsJoinUrl: joinUrl, onlineMeetingId: null, url: joinUrl ?? event.onlineMeetingUrl ?? null },
    updatedAt: parseInstant(event.lastModifiedDateTime),
  };
}

/** We ask for text bodies (Prefer: outlook.body-content-type="text"); an HTML body falls back to the plain-text preview. */
function description(event: GraphEvent): string | null {
  if (event.body?.contentType?.toLowerCase() === "text" && event.body.content) return event.body.content;
  return event.bodyPreview || null;
}
