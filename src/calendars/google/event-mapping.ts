import type { calendar_v3 } from "@googleapis/calendar";
import { DateTime } from "luxon";
import type { CalendarEvent, EventAttendee, EventChange, ResponseStatus } from "../provider.js";

/** The private extended property that marks our own buffer events. */
export const BUFFER_MARKER_PROPERTY = "makegoodMarker";

const RESPONSES: Record<string, ResponseStatus> = {
  needsAction: "needs_action",
  accepted: "accepted",
  tentative: "tentative",
  declined: "declined",
};

function response(value: string | null | undefined): ResponseStatus {
  return (value && RESPONSES[value]) || "needs_action";
}

/** A Google start/end: `dateTime` (with offset) for timed events, `date` (in the calendar's zone) for all-day ones. */
function instant(when: calendar_v3.Schema$EventDateTime | undefined, zone: string): Date | null {
  if (!when) return null;
  if (when.dateTime) return new Date(when.dateTime);
  if (when.date) return DateTime.fromISO(when.date, { zone }).toJSDate();
  return null;
}

function meetCode(event: calendar_v3.Schema$Event): string | null {
  const conference = event.conferenceData;
  if (conference?.conferenceSolution?.key?.type === "hangoutsMeet" && conference.conferenceId) return conference.conferenceId;
  const link = event.hangoutLink ?? conference?.entryPoints?.find((entry) => entry.entryPointType === "video")?.uri;
  const match = link?.match(/meet\.google\.com\/([a-z]{3}-[a-z]{4}-[a-z]{3})/);
  return match?.[1] ?? null;
}

function validZone(zone: string | null | undefined): string | null {
  return zone && DateTime.local().setZone(zone).isValid ? zone : null;
}

/**
 * Maps a Google Calendar v3 event to the product's event. Cancelled events (deleted, or a
 * deleted instance of a series) come back as removals: incremental lists carry only their
 * id and status.
 */
export function mapGoogleEvent(event: calendar_v3.Schema$Event, calendarZone: string): EventChange | null {
  if (!event.id) return null;
  if (event.status === "cancelled") return { kind: "removed", providerEventId: event.id };
  const zone = validZone(event.start?.timeZone) ?? validZone(calendarZone) ?? "UTC";
  const start = instant(event.start, zone);
  const end = instant(event.end, zone);
  if (!start || !end) return null;

  const attendees: EventAttendee[] = (event.attendees ?? []).flatMap((attendee) =>
    attendee.email
      ? [
          {
            email: attendee.email.toLowerCase(),
            name: attendee.displayName ?? null,
            response: response(attendee.responseStatus),
            isSelf: attendee.self === true,
            isOrganizer: attendee.organizer === true,
            isOptional: attendee.optional === true,
            isResource: attendee.resource === true,
          },
        ]
      : [],
  );
  const isOrganizer = event.organizer?.self === true;
  const self = attendees.find((attendee) => attendee.isSelf);
  const meet = meetCode(event);

  const mapped: CalendarEvent = {
    providerEventId: event.id,
    iCalUid: event.iCalUID ?? null,
    seriesId: event.recurringEventId ?? null,
    originalStart: instant(event.originalStartTime, zone),
    title: event.summary ?? "(no title)",
    description: event.description ?? null,
    location: event.location ?? null,
    start,
    end,
    timeZone: zone,
    isAllDay: Boolean(event.start?.date && !event.start.dateTime),
    organizer: event.organizer?.email ? { email: event.organizer.email.toLowerCase(), name: event.organizer.displayName ?? null } : null,
    isOrganizer,
    attendees,
    selfResponse: self ? self.response : "accepted",
    isCancelled: false,
    isFree: event.transparency === "transparent",
    isBuffer: Boolean(event.extendedProperties?.private?.[BUFFER_MARKER_PROPERTY]),
    conference: {
      meetCode: meet,
      teamsJoinUrl: null,
      onlineMeetingId: null,
      url: event.hangoutLink ?? event.conferenceData?.entryPoints?.find((entry) => entry.entryPointType === "video")?.uri ?? null,
    },
    updatedAt: event.updated ? new Date(event.updated) : null,
  };
  return { kind: "upsert", event: mapped };
}
