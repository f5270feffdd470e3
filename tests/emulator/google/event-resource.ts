import { DateTime } from "luxon";
import { z } from "zod";
import type { Occurrence } from "../occurrences.js";
import type { Account, Attendee, EventTime, ResponseStatus, StoredEvent } from "../state.js";
import { memoize } from "../memo.js";
import { toIanaZone } from "../windows-zones.js";

const timeSchema = z.object({ dateTime: z.string().optional(), date: z.string().optional(), timeZone: z.string().optional() });

/** Writable fields of the Calendar v3 Event resource that the emulator keeps. */
export const googleEventInputSchema = z.object({
  id: z.string().optional(),
  iCalUID: z.string().optional(),
  status: z.enum(["confirmed", "tentative", "cancelled"]).optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  location: z.string().optional(),
  start: timeSchema.optional(),
  end: timeSchema.optional(),
  transparency: z.enum(["opaque", "transparent"]).optional(),
  recurrence: z.array(z.string()).optional(),
  attendees: z.array(z.object({
    email: z.string(),
    displayName: z.string().optional(),
    responseStatus: z.enum(["needsAction", "declined", "tentative", "accepted"]).optional(),
    optional: z.boolean().optional(),
    organizer: z.boolean().optional(),
    self: z.boolean().optional(),
  })).optional(),
  conferenceData: z.object({
    conferenceId: z.string().optional(),
    createRequest: z.object({ requestId: z.string().optional(), conferenceSolutionKey: z.object({ type: z.string() }).optional() }).optional(),
  }).optional(),
  extendedProperties: z.object({ private: z.record(z.string(), z.string()).optional(), shared: z.record(z.string(), z.string()).optional() }).optional(),
});
export type GoogleEventInput = z.infer<typeof googleEventInputSchema>;

export class InvalidEventTime extends Error {}

export function parseGoogleTime(input: z.infer<typeof timeSchema>, fallbackZone: string): EventTime {
  if (input.date) return { kind: "date", date: input.date };
  if (!input.dateTime) throw new InvalidEventTime("Missing start or end time.");
  const zone = input.timeZone ?? fallbackZone;
  const instant = DateTime.fromISO(input.dateTime, { zone: toIanaZone(zone), setZone: false });
  if (!instant.isValid) throw new InvalidEventTime(`Invalid dateTime ${input.dateTime}`);
  return { kind: "timed", utc: instant.toUTC().toISO()!, timeZone: zone };
}

const localDateTime = memoize((key) => {
  const [utc = "", zone = ""] = key.split("|");
  return DateTime.fromISO(utc).setZone(toIanaZone(zone)).toISO({ suppressMilliseconds: true });
});

export function googleTime(time: EventTime): object {
  if (time.kind === "date") return { date: time.date };
  return { dateTime: localDateTime(`${time.utc}|${time.timeZone}`), timeZone: time.timeZone };
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString();

function googleAttendee(attendee: Attendee, owner: Account, organizerEmail: string): object {
  return {
    email: attendee.email,
    ...(attendee.name ? { displayName: attendee.name } : {}),
    ...(attendee.email === organizerEmail ? { organizer: true } : {}),
    ...(attendee.email === owner.email ? { self: true } : {}),
    ...(attendee.optional ? { optional: true } : {}),
    responseStatus: attendee.response satisfies ResponseStatus,
  };
}

function conferenceFields(event: StoredEvent): object {
  if (!event.meetCode) return {};
  const uri = `https://meet.google.com/${event.meetCode}`;
  return {
    hangoutLink: uri,
    conferenceData: {
      entryPoints: [{ entryPointType: "video", uri, label: uri.replace("https://", "") }],
      conferenceSolution: { key: { type: "hangoutsMeet" }, name: "Google Meet", iconUri: "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png" },
      conferenceId: event.meetCode,
    },
  };
}

/**
 * A stored event or an occurrence as the Calendar v3 Event resource. Removed items carry only what
 * the sync guide guarantees for deleted events: id and status "cancelled" (plus instance keys).
 */
export function toGoogleEvent(owner: Account, item: Occurrence | StoredEvent): object {
  const occurrence = "event" in item ? item : undefined;
  const event = occurrence?.event ?? (item as StoredEvent);
  const id = occurrence?.id ?? event.id;
  const start = occurrence?.start ?? event.start;
  const end = occurrence?.end ?? event.end;
  const recurringEventId = occurrence?.master?.id ?? event.recurringEventId;
  const originalStart = occurrence?.originalStart ?? event.originalStart;
  const removed = occurrence ? occurrence.removed : event.deleted || event.status === "cancelled";
  const changeSeq = occurrence?.changeSeq ?? event.changeSeq;
  const instanceKeys = recurringEventId && originalStart ? { recurringEventId, originalStartTime: googleTime(originalStart) } : {};
  const etag = `"${event.updatedAt * 1000 + changeSeq}"`;
  if (removed) return { kind: "calendar#event", etag, id, status: "cancelled", ...instanceKeys };
  const organizerSelf = event.organizer.email === owner.email;
  const privateProps = event.privateProperties;
  return {
    kind: "calendar#event",
    etag,
    id,
    status: event.status,
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${owner.email}`).toString("base64url")}`,
    created: rfc3339(event.createdAt),
    updated: rfc3339(event.updatedAt),
    summary: event.summary,
    ...(event.description ? { description: event.description } : {}),
    ...(event.location ? { location: event.location } : {}),
    creator: { email: event.organizer.email, ...(organizerSelf ? { self: true } : {}) },
    organizer: { email: event.organizer.email, ...(event.organizer.name ? { displayName: event.organizer.name } : {}), ...(organizerSelf ? { self: true } : {}) },
    start: googleTime(start),
    end: googleTime(end),
    ...(!occurrence?.master && event.recurrence ? { recurrence: event.recurrence } : {}),
    ...instanceKeys,
    ...(event.transparency === "transparent" ? { transparency: "transparent" } : {}),
    iCalUID: event.iCalUID,
    sequence: event.sequence,
    ...(event.attendees.length > 0 ? { attendees: event.attendees.map((a) => googleAttendee(a, owner, event.organizer.email)) } : {}),
    ...conferenceFields(event),
    ...(Object.keys(privateProps).length > 0 ? { extendedProperties: { private: privateProps } } : {}),
    reminders: { useDefault: true },
    eventType: "default",
  };
}
