import type { SandboxEvent } from "../../platform/index.js";
import type { CalendarEvent, EventAttendee } from "../provider.js";
import { sandboxPeople } from "./store.js";

export const SANDBOX_CALENDAR_ID = "sandbox";

/** Where a sandbox event's "conference" is: a link that names the simulation, not a real call. */
export function sandboxConferenceUrl(code: string): string {
  return `https://conference.sandbox.example/${code}`;
}

/** A row of the sandbox calendar as the product sees every calendar event. */
export function mapSandboxEvent(row: SandboxEvent, self: { email: string; name: string | null }): CalendarEvent {
  const others = sandboxPeople.parse(row.attendees);
  const organizer = others.find((person) => person.isOrganizer) ?? null;
  const selfAttendee: EventAttendee = { email: self.email, name: self.name, response: row.selfResponse, isSelf: true, isOrganizer: organizer === null, isOptional: false, isResource: false };
  const attendees: EventAttendee[] =
    others.length === 0
      ? []
      : [selfAttendee, ...others.map((person) => ({ email: person.email, name: person.name, response: person.response, isSelf: false, isOrganizer: person.isOrganizer, isOptional: false, isResource: false }))];
  return {
    providerEventId: row.id,
    iCalUid: `${row.id}@sandbox.example`,
    seriesId: null,
    originalStart: null,
    title: row.title,
    description: row.description,
    location: row.location,
    start: row.start,
    end: row.end,
    timeZone: row.timeZone,
    isAllDay: false,
    organizer: organizer ? { email: organizer.email, name: organizer.name } : { email: self.email, name: self.name },
    isOrganizer: organizer === null,
    attendees,
    selfResponse: organizer === null ? "accepted" : row.selfResponse,
    isCancelled: false,
    isFree: row.isFree,
    isBuffer: row.marker !== null,
    conference: {
      meetCode: row.conferenceCode,
      teamsJoinUrl: null,
      onlineMeetingId: null,
      url: row.conferenceCode ? sandboxConferenceUrl(row.conferenceCode) : null,
    },
    updatedAt: row.updatedAt,
  };
}
