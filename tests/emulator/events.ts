import { DateTime } from "luxon";
import { opaqueId } from "./ids.js";
import { millisOf, occurrencesOf } from "./occurrences.js";
import type { Account, EmulatorState, EventTime, Provider, StoredEvent } from "./state.js";

export type EventFields = Pick<StoredEvent, "start" | "end"> & Partial<Pick<StoredEvent,
  "summary" | "description" | "location" | "organizer" | "attendees" | "transparency" | "status" | "meetCode" | "teamsJoinUrl"
  | "recurrence" | "privateProperties" | "extendedProperties" | "iCalUID">> & { id?: string | undefined };

/** A Teams join URL in the documented meetup-join shape; also registers the online meeting. */
export function createTeamsMeeting(state: EmulatorState, organizer: Account, subject: string, start: EventTime, end: EventTime): string {
  const thread = opaqueId("19:meeting_", 24);
  const joinWebUrl = `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(`${thread}@thread.v2`)}/0?context=${encodeURIComponent(JSON.stringify({ Tid: organizer.tenantId, Oid: organizer.id }))}`;
  const id = Buffer.from(`1*${organizer.id}*0**${thread}@thread.v2`).toString("base64url");
  const iso = (time: EventTime): string => new Date(millisOf(time)).toISOString();
  state.onlineMeetings.set(id, { id, joinWebUrl, organizerId: organizer.id, subject, startDateTime: iso(start), endDateTime: iso(end), reports: [] });
  return joinWebUrl;
}

export function createEvent(state: EmulatorState, provider: Provider, owner: Account, fields: EventFields): StoredEvent {
  const now = state.now();
  const id = fields.id ?? state.newEventId(provider);
  const event: StoredEvent = {
    id,
    ownerId: owner.id,
    iCalUID: fields.iCalUID ?? (provider === "google" ? `${id}@google.com` : `040000008200E00074C5B7101A82E008${opaqueId("", 24)}`),
    status: fields.status ?? "confirmed",
    deleted: false,
    summary: fields.summary ?? "",
    description: fields.description ?? "",
    location: fields.location ?? "",
    start: fields.start,
    end: fields.end,
    organizer: fields.organizer ?? { email: owner.email, name: owner.name },
    attendees: fields.attendees ?? [],
    transparency: fields.transparency ?? "opaque",
    meetCode: fields.meetCode,
    teamsJoinUrl: fields.teamsJoinUrl,
    recurrence: fields.recurrence,
    recurringEventId: undefined,
    originalStart: undefined,
    privateProperties: fields.privateProperties ?? {},
    extendedProperties: fields.extendedProperties ?? [],
    createdAt: now,
    updatedAt: now,
    sequence: 0,
    changeSeq: 0,
  };
  return state.saveEvent(event, "created");
}

export function updateEvent(state: EmulatorState, event: StoredEvent, changes: Partial<EventFields>): StoredEvent {
  const { id: _ignoredId, ...rest } = changes;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  Object.assign(event, defined);
  return state.saveEvent(event, "updated");
}

export function deleteEvent(state: EmulatorState, event: StoredEvent): void {
  state.saveEvent(event, "deleted");
}

export type ResolvedEvent = { kind: "stored"; event: StoredEvent } | { kind: "virtual"; master: StoredEvent; original: DateTime };

/** Finds an event by id, including occurrences of a series that exist only by expansion. */
export function resolveEvent(state: EmulatorState, provider: Provider, ownerId: string, id: string): ResolvedEvent | undefined {
  const stored = state.events.get(id);
  if (stored && stored.ownerId === ownerId) return { kind: "stored", event: stored };
  const separator = id.lastIndexOf("_");
  if (separator < 0) return undefined;
  const master = state.events.get(id.slice(0, separator));
  if (!master || master.ownerId !== ownerId || !master.recurrence) return undefined;
  const occurrence = occurrencesOf(state, provider, master, state.now() + 3 * 366 * 86_400_000).find((o) => o.id === id && o.type === "occurrence");
  if (!occurrence?.originalStart) return undefined;
  return { kind: "virtual", master, original: DateTime.fromMillis(millisOf(occurrence.originalStart)) };
}

/** Turns one occurrence into a stored exception so it can be moved, edited or cancelled on its own. */
export function materialiseOccurrence(state: EmulatorState, provider: Provider, master: StoredEvent, original: DateTime): StoredEvent {
  const duration = millisOf(master.end) - millisOf(master.start);
  const at = (ms: number, like: EventTime): EventTime => like.kind === "timed"
    ? { kind: "timed", utc: new Date(ms).toISOString(), timeZone: like.timeZone }
    : { kind: "date", date: DateTime.fromMillis(ms, { zone: "UTC" }).toISODate()! };
  const originalStart = at(original.toMillis(), master.start);
  const occurrence = occurrencesOf(state, provider, master, original.toMillis() + 1).find((o) => o.originalStart && millisOf(o.originalStart) === original.toMillis());
  const now = state.now();
  const override: StoredEvent = {
    ...master,
    id: occurrence?.id ?? `${master.id}_${original.toMillis()}`,
    attendees: master.attendees.map((a) => ({ ...a })),
    recurrence: undefined,
    recurringEventId: master.id,
    originalStart,
    start: originalStart,
    end: at(original.toMillis() + duration, master.end),
    deleted: false,
    createdAt: now,
    sequence: master.sequence,
  };
  state.events.set(override.id, override);
  return override;
}
