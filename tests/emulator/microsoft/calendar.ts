import { DateTime } from "luxon";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { stringParams, type EmulatorContext } from "../context.js";
import { createEvent, createTeamsMeeting, deleteEvent, materialiseOccurrence, resolveEvent, updateEvent, type EventFields } from "../events.js";
import { calendarOccurrences, millisOf, overlaps } from "../occurrences.js";
import type { Account, StoredEvent } from "../state.js";
import { toIanaZone } from "../windows-zones.js";
import { graphCaller, graphUrl, preferences } from "./auth.js";
import { graphNotFound, sendGraphError } from "./errors.js";
import { graphEventInputSchema, parseGraphTime, responseFromGraph, toGraphEvent, type GraphEventInput } from "./event-resource.js";
import { patternToRrule } from "./recurrence-pattern.js";

/** calendarView's startDateTime/endDateTime: an offset is honoured, otherwise the value is UTC. */
export function parseWindowBound(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const parsed = DateTime.fromISO(value, { zone: "UTC" });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

function fieldsFromInput(input: GraphEventInput, base: StoredEvent | undefined): Partial<EventFields> {
  const allDay = input.isAllDay ?? base?.start.kind === "date";
  const start = input.start ? parseGraphTime(input.start, allDay) : undefined;
  const fields: Partial<EventFields> = {
    summary: input.subject,
    description: input.body?.content,
    location: input.location?.displayName,
    start,
    end: input.end ? parseGraphTime(input.end, allDay) : undefined,
    transparency: input.showAs === undefined ? undefined : input.showAs === "free" ? "transparent" : "opaque",
    attendees: input.attendees?.map((a) => ({ email: a.emailAddress.address.toLowerCase(), name: a.emailAddress.name ?? "", response: responseFromGraph(a.status?.response), optional: a.type === "optional" })),
    extendedProperties: input.singleValueExtendedProperties,
  };
  if (input.recurrence) fields.recurrence = patternToRrule(input.recurrence, start ?? base?.start ?? { kind: "date", date: input.recurrence.range.startDate });
  return fields;
}

export function registerGraphCalendar(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const context = (account: Account, segment: string): string => `${ctx.baseUrl()}/v1.0/$metadata#users('${account.id}')/${segment}`;

  app.get("/v1.0/me", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const [givenName = "", ...rest] = account.name.split(" ");
    return {
      "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#users/$entity`, businessPhones: [], displayName: account.name, givenName, surname: rest.join(" ") || null,
      jobTitle: null, mail: account.email, mobilePhone: null, officeLocation: null, preferredLanguage: "en-US", userPrincipalName: account.email, id: account.id,
    };
  });

  app.get("/v1.0/me/calendarView", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const q = stringParams(request.query);
    const from = parseWindowBound(q["startDateTime"]);
    const to = parseWindowBound(q["endDateTime"]);
    if (from === undefined || to === undefined) {
      return sendGraphError(reply, 400, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    }
    const prefer = preferences(request);
    // Page size: $top, else Prefer odata.maxpagesize, else Graph's default of 10.
    const pageSize = Math.min(Number(q["$top"] ?? prefer.maxPageSize ?? 10), 1000);
    const skip = Number(q["$skip"] ?? "0");
    const items = calendarOccurrences(state, "microsoft", account.id, to).filter((o) => !o.event.deleted && !o.master?.deleted && overlaps(o, from, to)); // cancelled meetings stay, with isCancelled
    const page = items.slice(skip, skip + pageSize).map((o) => toGraphEvent(account, o, prefer.timeZone));
    if (prefer.timeZone) reply.header("preference-applied", `outlook.timezone="${prefer.timeZone}"`);
    const next = skip + pageSize < items.length ? new URLSearchParams({ ...q, $top: String(pageSize), $skip: String(skip + pageSize) }) : undefined;
    return { "@odata.context": context(account, "calendarView"), value: page, ...(next ? { "@odata.nextLink": graphUrl(ctx, `/me/calendarView?${next.toString()}`) } : {}) };
  });

  app.get("/v1.0/me/events", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const prefer = preferences(request);
    // /me/events lists single events and series masters, not occurrences.
    const events = state.eventsOf(account.id).filter((e) => !e.deleted && !e.recurringEventId).sort((a, b) => millisOf(a.start) - millisOf(b.start));
    return { "@odata.context": context(account, "events"), value: events.map((e) => toGraphEvent(account, e, prefer.timeZone)) };
  });

  app.get<{ Params: { id: string } }>("/v1.0/me/events/:id", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const resolved = resolveEvent(state, "microsoft", account.id, request.params.id);
    if (!resolved) return graphNotFound(reply);
    if (resolved.kind === "stored") return resolved.event.deleted ? graphNotFound(reply) : toGraphEvent(account, resolved.event, preferences(request).timeZone);
    const occurrence = calendarOccurrences(state, "microsoft", account.id, resolved.original.toMillis() + 1).find((o) => o.id === request.params.id);
    return occurrence ? toGraphEvent(account, occurrence, preferences(request).timeZone) : graphNotFound(reply);
  });

  const parseInput = (request: FastifyRequest, reply: FastifyReply): GraphEventInput | undefined => {
    const parsed = graphEventInputSchema.safeParse(request.body ?? {});
    if (parsed.success) return parsed.data;
    sendGraphError(reply, 400, "ErrorInvalidRequest", `Invalid event: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`);
    return undefined;
  };

  app.post("/v1.0/me/events", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const input = parseInput(request, reply);
    if (!input) return reply;
    if (!input.start || !input.end) return sendGraphError(reply, 400, "ErrorInvalidRequest", "Your request can't be completed. The start and end of the event are required.");
    const fields = fieldsFromInput(input, undefined);
    const teams = input.isOnlineMeeting === true ? createTeamsMeeting(state, account, input.subject ?? "", fields.start!, fields.end!) : undefined;
    const event = createEvent(state, "microsoft", account, { ...fields, start: fields.start!, end: fields.end!, teamsJoinUrl: teams });
    return reply.code(201).send({ "@odata.context": `${context(account, "events")}/$entity`, ...toGraphEvent(account, event, preferences(request).timeZone) });
  });

  app.patch<{ Params: { id: string } }>("/v1.0/me/events/:id", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const input = parseInput(request, reply);
    if (!input) return reply;
    const resolved = resolveEvent(state, "microsoft", account.id, request.params.id);
    if (!resolved || (resolved.kind === "stored" && resolved.event.deleted)) return graphNotFound(reply);
    const event = resolved.kind === "stored" ? resolved.event : materialiseOccurrence(state, "microsoft", resolved.master, resolved.original);
    const fields = fieldsFromInput(input, event);
    if (input.isOnlineMeeting === true && !event.teamsJoinUrl) fields.teamsJoinUrl = createTeamsMeeting(state, account, event.summary, fields.start ?? event.start, fields.end ?? event.end);
    return toGraphEvent(account, updateEvent(state, event, fields), preferences(request).timeZone);
  });

  app.delete<{ Params: { id: string } }>("/v1.0/me/events/:id", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const resolved = resolveEvent(state, "microsoft", account.id, request.params.id);
    if (!resolved || (resolved.kind === "stored" && resolved.event.deleted)) return graphNotFound(reply);
    const event = resolved.kind === "stored" ? resolved.event : materialiseOccurrence(state, "microsoft", resolved.master, resolved.original);
    deleteEvent(state, event);
    return reply.code(204).send();
  });

  app.post("/v1.0/me/calendar/getSchedule", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const body = (request.body ?? {}) as { schedules?: string[]; startTime?: { dateTime: string; timeZone?: string }; endTime?: { dateTime: string; timeZone?: string }; availabilityViewInterval?: number };
    if (!body.schedules || !body.startTime || !body.endTime) return sendGraphError(reply, 400, "ErrorInvalidRequest", "schedules, startTime and endTime are required.");
    const zone = body.startTime.timeZone ?? "UTC";
    const from = DateTime.fromISO(body.startTime.dateTime, { zone: toIanaZone(zone) }).toMillis();
    const to = DateTime.fromISO(body.endTime.dateTime, { zone: toIanaZone(body.endTime.timeZone ?? zone) }).toMillis();
    const interval = (body.availabilityViewInterval ?? 30) * 60_000;
    const local = (ms: number): { dateTime: string; timeZone: string } => ({ dateTime: `${DateTime.fromMillis(ms).setZone(toIanaZone(zone)).toFormat("yyyy-MM-dd'T'HH:mm:ss")}.0000000`, timeZone: zone });
    const value = body.schedules.map((email) => {
      const target = state.findAccount("microsoft", email);
      if (!target) return { scheduleId: email, availabilityView: "", error: { message: `The specified mailbox '${email}' could not be found.`, responseCode: "ErrorMailRecipientNotFound" }, scheduleItems: [], workingHours: null };
      const items = calendarOccurrences(state, "microsoft", target.id, to)
        .filter((o) => !o.removed && o.event.transparency === "opaque" && overlaps(o, from, to))
        .map((o) => ({ occurrence: o, status: o.event.status === "tentative" ? "tentative" : "busy" }));
      let view = "";
      for (let slot = from; slot < to; slot += interval) {
        const busy = items.filter(({ occurrence }) => millisOf(occurrence.start) < slot + interval && millisOf(occurrence.end) > slot);
        view += busy.some((b) => b.status === "busy") ? "2" : busy.length > 0 ? "1" : "0";
      }
      return {
        scheduleId: email, availabilityView: view,
        scheduleItems: items.map(({ occurrence, status }) => ({ isPrivate: false, status, subject: occurrence.event.summary, location: occurrence.event.location, isMeeting: occurrence.event.attendees.length > 0, isRecurring: Boolean(occurrence.master), isException: occurrence.type === "exception", isReminderSet: true, start: local(millisOf(occurrence.start)), end: local(millisOf(occurrence.end)) })),
        workingHours: { daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"], startTime: "08:00:00.0000000", endTime: "17:00:00.0000000", timeZone: { name: zone } },
      };
    });
    return { "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`, value };
  });
}
