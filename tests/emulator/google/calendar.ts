import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { stringParams, type EmulatorContext } from "../context.js";
import { createEvent, deleteEvent, materialiseOccurrence, resolveEvent, updateEvent, type EventFields } from "../events.js";
import { meetCode, opaqueId } from "../ids.js";
import { calendarOccurrences, exdateCancellations, overlaps, type Occurrence } from "../occurrences.js";
import type { Account, StoredEvent } from "../state.js";
import { googleCaller } from "./auth.js";
import { googleNotFound, sendGoogleError } from "./errors.js";
import { googleEventInputSchema, InvalidEventTime, parseGoogleTime, toGoogleEvent, type GoogleEventInput } from "./event-resource.js";

interface SyncTokenPayload { a: string; s: number; g: number }
interface PendingPages { accountId: string; items: object[]; syncToken: string }

/** Parameters the sync guide lists as incompatible with syncToken. */
const NOT_WITH_SYNC_TOKEN = ["iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin"];

function encodeSyncToken(payload: SyncTokenPayload): string {
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

function decodeSyncToken(token: string): SyncTokenPayload | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (value && typeof value === "object" && "a" in value && "s" in value && "g" in value) {
      const { a, s, g } = value;
      if (typeof a === "string" && typeof s === "number" && typeof g === "number") return { a, s, g };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function ownsCalendar(account: Account, calendarId: string): boolean {
  return calendarId === "primary" || calendarId.toLowerCase() === account.email;
}

function fieldsFromInput(input: GoogleEventInput, owner: Account, base: StoredEvent | undefined): Partial<EventFields> {
  const zone = base?.start.kind === "timed" ? base.start.timeZone : "UTC";
  const fields: Partial<EventFields> = {
    summary: input.summary, description: input.description, location: input.location, status: input.status,
    transparency: input.transparency, recurrence: input.recurrence,
    start: input.start ? parseGoogleTime(input.start, zone) : undefined,
    end: input.end ? parseGoogleTime(input.end, zone) : undefined,
    attendees: input.attendees?.map((a) => ({ email: a.email.toLowerCase(), name: a.displayName ?? "", response: a.responseStatus ?? "needsAction", optional: a.optional ?? false })),
    privateProperties: input.extendedProperties?.private ? { ...(base?.privateProperties ?? {}), ...input.extendedProperties.private } : undefined,
  };
  // conferenceData.createRequest (with conferenceDataVersion=1) asks Google to create a Meet.
  if (input.conferenceData?.createRequest) fields.meetCode = base?.meetCode ?? meetCode();
  else if (input.conferenceData?.conferenceId) fields.meetCode = input.conferenceData.conferenceId;
  if (!base) fields.organizer = { email: owner.email, name: owner.name };
  return fields;
}

export function registerGoogleCalendar(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const pages = new Map<string, PendingPages>();

  const calendarOwner = (request: FastifyRequest<{ Params: { calendarId: string } }>, reply: FastifyReply): Account | undefined => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return undefined;
    if (!ownsCalendar(account, decodeURIComponent(request.params.calendarId))) {
      googleNotFound(reply);
      return undefined;
    }
    return account;
  };

  const parseBody = (request: FastifyRequest, reply: FastifyReply): GoogleEventInput | undefined => {
    const parsed = googleEventInputSchema.safeParse(request.body ?? {});
    if (parsed.success) return parsed.data;
    sendGoogleError(reply, 400, `Invalid event: ${parsed.error.issues[0]?.message ?? "bad request"}`, { reason: "invalid" });
    return undefined;
  };

  app.get("/calendar/v3/users/me/calendarList", async (request, reply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    return {
      kind: "calendar#calendarList", etag: `"${state.currentChangeSeq()}"`, nextSyncToken: encodeSyncToken({ a: account.id, s: state.currentChangeSeq(), g: state.generationOf(account.id) }),
      items: [{ kind: "calendar#calendarListEntry", etag: '"1"', id: account.email, summary: account.email, timeZone: account.timeZone, colorId: "14", backgroundColor: "#9fe1e7", foregroundColor: "#000000", selected: true, accessRole: "owner", defaultReminders: [{ method: "popup", minutes: 10 }], primary: true, conferenceProperties: { allowedConferenceSolutionTypes: ["hangoutsMeet"] } }],
    };
  });

  app.get<{ Params: { calendarId: string } }>("/calendar/v3/calendars/:calendarId/events", async (request, reply) => {
    const account = calendarOwner(request, reply);
    if (!account) return reply;
    const q = stringParams(request.query);
    const maxResults = Math.min(Number(q["maxResults"] ?? "250"), 2500);
    const envelope = { kind: "calendar#events", etag: `"p${state.currentChangeSeq()}"`, summary: account.email, description: "", updated: new Date(state.now()).toISOString(), timeZone: account.timeZone, accessRole: "owner", defaultReminders: [{ method: "popup", minutes: 10 }] };

    if (q["pageToken"]) {
      const pending = pages.get(q["pageToken"]);
      if (!pending || pending.accountId !== account.id) return sendGoogleError(reply, 400, "Invalid page token value.", { reason: "invalid", location: "pageToken" });
      pages.delete(q["pageToken"]);
      return respondWithPage(envelope, account.id, pending.items, pending.syncToken, maxResults);
    }

    const singleEvents = q["singleEvents"] === "true";
    let items: object[];
    if (q["syncToken"]) {
      const conflicting = NOT_WITH_SYNC_TOKEN.find((name) => q[name] !== undefined);
      if (conflicting) return sendGoogleError(reply, 400, `The ${conflicting} parameter cannot be used together with syncToken.`, { reason: "invalid", location: conflicting });
      const token = decodeSyncToken(q["syncToken"]);
      if (!token || token.a !== account.id) return sendGoogleError(reply, 400, "Invalid sync token value.", { reason: "invalid", location: "syncToken" });
      // Calendar "Synchronize resources efficiently": an invalidated token answers 410 fullSyncRequired.
      if (token.g !== state.generationOf(account.id)) {
        return sendGoogleError(reply, 410, "Sync token is no longer valid, a full sync is required.", { domain: "calendar", reason: "fullSyncRequired", location: "syncToken" });
      }
      // Incremental results always include deleted entries, whatever showDeleted says.
      // With singleEvents, an instance an EXDATE removed since the token comes back cancelled,
      // as Google returns a deleted instance of a recurring event.
      const horizon = state.now() + 366 * 86_400_000;
      items = singleEvents
        ? [
            ...calendarOccurrences(state, "google", account.id, horizon).filter((o) => o.changeSeq > token.s),
            ...state.eventsOf(account.id).filter((e) => e.recurrence && !e.deleted && e.changeSeq > token.s).flatMap((e) => exdateCancellations("google", e, horizon)),
          ].map((o) => toGoogleEvent(account, o))
        : state.eventsOf(account.id).filter((e) => e.changeSeq > token.s).map((e) => toGoogleEvent(account, e));
    } else {
      const from = q["timeMin"] ? Date.parse(q["timeMin"]) : undefined;
      const to = q["timeMax"] ? Date.parse(q["timeMax"]) : undefined;
      if (from !== undefined && to !== undefined && to <= from) return sendGoogleError(reply, 400, "The specified time range is empty.", { domain: "calendar", reason: "timeRangeEmpty", location: "timeMax" });
      if (q["orderBy"] === "startTime" && !singleEvents) return sendGoogleError(reply, 400, "The requested ordering is not available for the particular query.", { reason: "invalid", location: "orderBy" });
      const showDeleted = q["showDeleted"] === "true";
      const occurrences = calendarOccurrences(state, "google", account.id, to ?? undefined).filter((o) => overlaps(o, from, to) && (showDeleted || !o.removed));
      items = singleEvents ? occurrences.map((o) => toGoogleEvent(account, o)) : seriesLevelItems(occurrences, showDeleted).map((e) => toGoogleEvent(account, e));
      if (q["iCalUID"]) items = items.filter((item) => "iCalUID" in item && item.iCalUID === q["iCalUID"]);
    }
    const syncToken = encodeSyncToken({ a: account.id, s: state.currentChangeSeq(), g: state.generationOf(account.id) });
    return respondWithPage(envelope, account.id, items, syncToken, maxResults);
  });

  function respondWithPage(envelope: object, accountId: string, items: object[], syncToken: string, maxResults: number): object {
    const page = items.slice(0, maxResults);
    const rest = items.slice(maxResults);
    if (rest.length === 0) return { ...envelope, nextSyncToken: syncToken, items: page };
    const pageToken = opaqueId("CiAK", 24);
    pages.set(pageToken, { accountId, items: rest, syncToken });
    return { ...envelope, nextPageToken: pageToken, items: page };
  }

  app.get<{ Params: { calendarId: string; eventId: string } }>("/calendar/v3/calendars/:calendarId/events/:eventId", async (request, reply) => {
    const account = calendarOwner(request, reply);
    if (!account) return reply;
    const found = findOccurrence(account, request.params.eventId);
    // events.get still returns deleted events, with status "cancelled".
    return found ? toGoogleEvent(account, found) : googleNotFound(reply);
  });

  function findOccurrence(account: Account, id: string): Occurrence | StoredEvent | undefined {
    const resolved = resolveEvent(state, "google", account.id, id);
    if (!resolved) return undefined;
    if (resolved.kind === "stored") return resolved.event;
    return calendarOccurrences(state, "google", account.id, resolved.original.toMillis() + 1).find((o) => o.id === id);
  }

  app.post<{ Params: { calendarId: string } }>("/calendar/v3/calendars/:calendarId/events", async (request, reply) => {
    const account = calendarOwner(request, reply);
    if (!account) return reply;
    const input = parseBody(request, reply);
    if (!input) return reply;
    if (!input.start || !input.end) return sendGoogleError(reply, 400, "Missing end time.", { reason: "required" });
    if (input.id && state.events.has(input.id)) return sendGoogleError(reply, 409, "The requested identifier already exists.", { reason: "duplicate" });
    try {
      const fields = fieldsFromInput(input, account, undefined);
      const conferenceRequested = request.query && stringParams(request.query)["conferenceDataVersion"] === "1";
      const event = createEvent(state, "google", account, { ...fields, start: fields.start!, end: fields.end!, id: input.id, iCalUID: input.iCalUID, meetCode: conferenceRequested ? fields.meetCode : undefined });
      return toGoogleEvent(account, event);
    } catch (error) {
      if (error instanceof InvalidEventTime) return sendGoogleError(reply, 400, error.message, { reason: "invalid" });
      throw error;
    }
  });

  const modify = (replace: boolean) => async (request: FastifyRequest<{ Params: { calendarId: string; eventId: string } }>, reply: FastifyReply) => {
    const account = calendarOwner(request, reply);
    if (!account) return reply;
    const input = parseBody(request, reply);
    if (!input) return reply;
    const resolved = resolveEvent(state, "google", account.id, request.params.eventId);
    if (!resolved) return googleNotFound(reply);
    const event = resolved.kind === "stored" ? resolved.event : materialiseOccurrence(state, "google", resolved.master, resolved.original);
    if (event.deleted && input.status !== "confirmed") return sendGoogleError(reply, 410, "Resource has been deleted", { reason: "deleted" });
    try {
      const fields = fieldsFromInput(input, account, event);
      if (replace && (!fields.start || !fields.end)) return sendGoogleError(reply, 400, "Missing end time.", { reason: "required" });
      const replaced: Partial<EventFields> = replace
        ? { summary: "", description: "", location: "", attendees: [], transparency: "opaque", privateProperties: {}, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) }
        : fields;
      if (event.deleted) event.deleted = false;
      return toGoogleEvent(account, updateEvent(state, event, replaced));
    } catch (error) {
      if (error instanceof InvalidEventTime) return sendGoogleError(reply, 400, error.message, { reason: "invalid" });
      throw error;
    }
  };
  app.patch("/calendar/v3/calendars/:calendarId/events/:eventId", modify(false));
  app.put("/calendar/v3/calendars/:calendarId/events/:eventId", modify(true));

  app.delete<{ Params: { calendarId: string; eventId: string } }>("/calendar/v3/calendars/:calendarId/events/:eventId", async (request, reply) => {
    const account = calendarOwner(request, reply);
    if (!account) return reply;
    const resolved = resolveEvent(state, "google", account.id, request.params.eventId);
    if (!resolved) return googleNotFound(reply);
    // Deleting one instance of a series leaves a cancelled exception behind, as Google does.
    const event = resolved.kind === "stored" ? resolved.event : materialiseOccurrence(state, "google", resolved.master, resolved.original);
    if (event.deleted || event.status === "cancelled") return sendGoogleError(reply, 410, "Resource has been deleted", { reason: "deleted" });
    if (event.recurringEventId) updateEvent(state, event, { status: "cancelled" });
    else deleteEvent(state, event);
    return reply.code(204).send();
  });

  app.post("/calendar/v3/freeBusy", async (request, reply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    const body = request.body as { timeMin?: string; timeMax?: string; items?: { id?: string }[] } | undefined;
    if (!body?.timeMin || !body.timeMax) return sendGoogleError(reply, 400, "Missing timeMin or timeMax.", { reason: "required" });
    const from = Date.parse(body.timeMin);
    const to = Date.parse(body.timeMax);
    const calendars: Record<string, object> = {};
    for (const item of body.items ?? []) {
      const id = item.id ?? "";
      if (!ownsCalendar(account, id)) {
        calendars[id] = { errors: [{ domain: "global", reason: "notFound" }], busy: [] };
        continue;
      }
      const busy = calendarOccurrences(state, "google", account.id, to)
        .filter((o) => !o.removed && o.event.transparency === "opaque" && o.start.kind === "timed" && overlaps(o, from, to))
        .filter((o) => o.event.attendees.find((a) => a.email === account.email)?.response !== "declined")
        .map((o) => ({ start: o.start.kind === "timed" ? o.start.utc.replace(/\.\d+Z$/, "Z") : "", end: o.end.kind === "timed" ? o.end.utc.replace(/\.\d+Z$/, "Z") : "" }));
      calendars[id] = { busy };
    }
    return { kind: "calendar#freeBusy", timeMin: body.timeMin, timeMax: body.timeMax, calendars };
  });
}

/** singleEvents=false: series masters (with recurrence), single events and exceptions, each once. */
function seriesLevelItems(occurrences: Occurrence[], showDeleted: boolean): StoredEvent[] {
  const seen = new Map<string, StoredEvent>();
  for (const occurrence of occurrences) {
    if (occurrence.master) seen.set(occurrence.master.id, occurrence.master);
    if (occurrence.type !== "occurrence") seen.set(occurrence.event.id, occurrence.event);
  }
  return [...seen.values()].filter((event) => showDeleted || !(event.deleted || event.status === "cancelled"));
}
