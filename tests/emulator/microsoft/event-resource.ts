import { DateTime } from "luxon";
import { z } from "zod";
import type { Occurrence } from "../occurrences.js";
import type { Account, Attendee, EventTime, ResponseStatus, StoredEvent } from "../state.js";
import { memoize } from "../memo.js";
import { toIanaZone, toWindowsZone } from "../windows-zones.js";
import { patternedRecurrenceSchema, rruleToPattern } from "./recurrence-pattern.js";

const dateTimeTimeZoneSchema = z.object({ dateTime: z.string(), timeZone: z.string().optional() });
const emailAddressSchema = z.object({ address: z.string(), name: z.string().optional() });

/** Writable event properties the emulator keeps (Graph "event resource type"). */
export const graphEventInputSchema = z.object({
  subject: z.string().optional(),
  body: z.object({ contentType: z.string().optional(), content: z.string().optional() }).optional(),
  start: dateTimeTimeZoneSchema.optional(),
  end: dateTimeTimeZoneSchema.optional(),
  isAllDay: z.boolean().optional(),
  showAs: z.enum(["free", "tentative", "busy", "oof", "workingElsewhere", "unknown"]).optional(),
  location: z.object({ displayName: z.string().optional() }).optional(),
  attendees: z.array(z.object({
    emailAddress: emailAddressSchema,
    type: z.enum(["required", "optional", "resource"]).optional(),
    status: z.object({ response: z.string().optional() }).optional(),
  })).optional(),
  isOnlineMeeting: z.boolean().optional(),
  onlineMeetingProvider: z.string().optional(),
  recurrence: patternedRecurrenceSchema.nullable().optional(),
  singleValueExtendedProperties: z.array(z.object({ id: z.string(), value: z.string() })).optional(),
});
export type GraphEventInput = z.infer<typeof graphEventInputSchema>;

const RESPONSE_TO_GRAPH: Record<ResponseStatus, string> = { needsAction: "notResponded", accepted: "accepted", declined: "declined", tentative: "tentativelyAccepted" };
const RESPONSE_FROM_GRAPH: Record<string, ResponseStatus> = { none: "needsAction", notResponded: "needsAction", accepted: "accepted", declined: "declined", tentativelyAccepted: "tentative", organizer: "accepted" };

export function responseFromGraph(response: string | undefined): ResponseStatus {
  return RESPONSE_FROM_GRAPH[response ?? "none"] ?? "needsAction";
}

/** Graph date-times have no offset: they are wall time in the accompanying timeZone (UTC when absent). */
export function parseGraphTime(input: z.infer<typeof dateTimeTimeZoneSchema>, allDay: boolean): EventTime {
  const zone = input.timeZone ?? "UTC";
  const local = DateTime.fromISO(input.dateTime, { zone: toIanaZone(zone) });
  if (!local.isValid) throw new Error(`Invalid dateTime ${input.dateTime}`);
  if (allDay) return { kind: "date", date: local.toISODate()! };
  return { kind: "timed", utc: local.toUTC().toISO()!, timeZone: zone };
}

/** Graph's seven-digit fraction, e.g. 2024-01-10T15:00:00.0000000. */
const localWallTime = memoize((key) => {
  const [utc = "", zone = ""] = key.split("|");
  return `${DateTime.fromISO(utc).setZone(toIanaZone(zone)).toFormat("yyyy-MM-dd'T'HH:mm:ss")}.0000000`;
});

function graphDateTime(time: EventTime, zone: string): { dateTime: string; timeZone: string } {
  if (time.kind === "date") return { dateTime: `${time.date}T00:00:00.0000000`, timeZone: zone };
  return { dateTime: localWallTime(`${time.utc}|${zone}`), timeZone: zone };
}

function graphAttendee(attendee: Attendee): object {
  return {
    type: attendee.optional ? "optional" : "required",
    status: { response: attendee.response === "needsAction" ? "none" : RESPONSE_TO_GRAPH[attendee.response], time: "0001-01-01T00:00:00Z" },
    emailAddress: { name: attendee.name || attendee.email, address: attendee.email },
  };
}

function ownResponse(owner: Account, event: StoredEvent): string {
  if (event.organizer.email === owner.email) return "organizer";
  const self = event.attendees.find((a) => a.email === owner.email);
  return self ? RESPONSE_TO_GRAPH[self.response] : "none";
}

function showAs(owner: Account, event: StoredEvent): string {
  if (event.transparency === "transparent") return "free";
  if (event.status === "tentative" || event.attendees.find((a) => a.email === owner.email)?.response === "tentative") return "tentative";
  return "busy";
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");

/** originalStart is an Edm.DateTimeOffset "always in UTC", e.g. 2014-01-01T00:00:00Z (event resource type). */
function originalStartOf(time: EventTime): string {
  if (time.kind === "date") return `${time.date}T00:00:00Z`;
  return new Date(time.utc).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * A stored event or occurrence as the Graph event resource. Times come back in UTC unless the
 * request asked for `Prefer: outlook.timezone`; originalStartTimeZone keeps the zone it was written in
 * (for occurrences: the series master's). originalStart is "not returned for events that are single
 * instances" (event resource type), so only occurrences and exceptions carry it.
 * singleValueExtendedProperties are never part of the resource: they come back only when expanded
 * (extended-properties.ts), and create/update responses do not include them either
 * ("Create single-value extended property", Response body).
 */
export function toGraphEvent(owner: Account, item: Occurrence | StoredEvent, preferredZone: string | undefined): Record<string, unknown> {
  const occurrence = "event" in item ? item : undefined;
  const event = occurrence?.event ?? (item as StoredEvent);
  const isMaster = !occurrence && Boolean(event.recurrence);
  const type = isMaster ? "seriesMaster" : occurrence?.type ?? (event.recurringEventId ? "exception" : "singleInstance");
  const id = occurrence?.id ?? event.id;
  const zone = preferredZone ?? "UTC";
  const writtenZone = event.start.kind === "timed" ? toWindowsZone(event.start.timeZone) : "UTC";
  const seriesMasterId = occurrence?.master?.id ?? event.recurringEventId ?? null;
  const originalStart = occurrence?.originalStart ?? event.originalStart;
  return {
    "@odata.etag": `W/"${Buffer.from(`${event.changeSeq}`).toString("base64")}"`,
    id,
    createdDateTime: iso(event.createdAt),
    lastModifiedDateTime: iso(event.updatedAt),
    changeKey: Buffer.from(`${event.changeSeq}`).toString("base64"),
    categories: [],
    originalStartTimeZone: writtenZone,
    originalEndTimeZone: event.end.kind === "timed" ? toWindowsZone(event.end.timeZone) : "UTC",
    iCalUId: event.iCalUID,
    uid: event.iCalUID,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: event.summary,
    bodyPreview: event.description.slice(0, 255),
    importance: "normal",
    sensitivity: "normal",
    isAllDay: event.start.kind === "date",
    isCancelled: event.status === "cancelled",
    isOrganizer: event.organizer.email === owner.email,
    responseRequested: true,
    ...(originalStart && (type === "occurrence" || type === "exception") ? { originalStart: originalStartOf(originalStart) } : {}),
    seriesMasterId: type === "singleInstance" || type === "seriesMaster" ? null : seriesMasterId,
    showAs: showAs(owner, event),
    type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: Boolean(event.teamsJoinUrl),
    onlineMeetingProvider: event.teamsJoinUrl ? "teamsForBusiness" : "unknown",
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    responseStatus: { response: ownResponse(owner, event), time: "0001-01-01T00:00:00Z" },
    body: { contentType: "html", content: event.description ? `<html><body>${event.description}</body></html>` : "" },
    start: graphDateTime(occurrence?.start ?? event.start, zone),
    end: graphDateTime(occurrence?.end ?? event.end, zone),
    location: { displayName: event.location, locationType: "default", uniqueIdType: "unknown", address: {}, coordinates: {} },
    locations: event.location ? [{ displayName: event.location, locationType: "default", uniqueIdType: "unknown" }] : [],
    recurrence: isMaster && event.recurrence ? rruleToPattern(event.recurrence, event.start) : null,
    attendees: event.attendees.map(graphAttendee),
    organizer: { emailAddress: { name: event.organizer.name || event.organizer.email, address: event.organizer.email } },
    onlineMeeting: event.teamsJoinUrl ? { joinUrl: event.teamsJoinUrl } : null,
  };
}
