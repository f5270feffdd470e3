import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { stringParams, type EmulatorContext } from "../context.js";
import { createEvent, createTeamsMeeting, deleteEvent, materialiseOccurrence, resolveEvent, updateEvent, type EventFields } from "../events.js";
import { calendarOccurrences, millisOf } from "../occurrences.js";
import type { Account, StoredEvent } from "../state.js";
import { graphCaller, preferences } from "./auth.js";
import { calendarScope } from "./calendars.js";
import { graphNotFound, sendGraphError } from "./errors.js";
import { graphEventInputSchema, parseGraphTime, responseFromGraph, toGraphEvent, type GraphEventInput } from "./event-resource.js";
import { applyEventQuery } from "./query-options.js";
import { patternToRrule } from "./recurrence-pattern.js";

type ExtendedProperty = StoredEvent["extendedProperties"][number];

/** Writing singleValueExtendedProperties creates or updates the named properties; others stay. */
function mergeProperties(existing: ExtendedProperty[], written: ExtendedProperty[] | undefined): ExtendedProperty[] | undefined {
  if (!written) return undefined;
  const byId = new Map(existing.map((p) => [p.id.toLowerCase(), p]));
  for (const property of written) byId.set(property.id.toLowerCase(), { id: property.id, value: property.value });
  return [...byId.values()];
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
    extendedProperties: mergeProperties(base?.extendedProperties ?? [], input.singleValueExtendedProperties),
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

  app.get("/v1.0/me/events", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const prefer = preferences(request);
    // /me/events lists single events and series masters, not occurrences.
    const events = state.eventsOf(account.id).filter((e) => !e.deleted && !e.recurringEventId).sort((a, b) => millisOf(a.start) - millisOf(b.start));
    const q = stringParams(request.query);
    return { "@odata.context": context(account, "events"), value: events.map((e) => applyEventQuery(toGraphEvent(account, e, prefer.timeZone), e, q)) };
  });

  // "Get event", with `$expand=singleValueExtendedProperties($filter=id eq '…')` and `$select` honoured.
  app.get<{ Params: { id: string } }>("/v1.0/me/events/:id", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const q = stringParams(request.query);
    const zone = preferences(request).timeZone;
    const resolved = resolveEvent(state, "microsoft", account.id, request.params.id);
    if (!resolved) return graphNotFound(reply);
    if (resolved.kind === "stored") return resolved.event.deleted ? graphNotFound(reply) : applyEventQuery(toGraphEvent(account, resolved.event, zone), resolved.event, q);
    const occurrence = calendarOccurrences(state, "microsoft", account.id, resolved.original.toMillis() + 1).find((o) => o.id === request.params.id);
    return occurrence ? applyEventQuery(toGraphEvent(account, occurrence, zone), occurrence.event, q) : graphNotFound(reply);
  });

  const parseInput = (request: FastifyRequest, reply: FastifyReply): GraphEventInput | undefined => {
    const parsed = graphEventInputSchema.safeParse(request.body ?? {});
    if (parsed.success) return parsed.data;
    sendGraphError(reply, 400, "ErrorInvalidRequest", `Invalid event: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`);
    return undefined;
  };

  // "Create event": POST /me/events (default calendar) or /me/calendars/{id}/events → 201 Created.
  const createHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const scope = calendarScope(ctx, request, reply);
    if (!scope) return reply;
    const { account } = scope;
    if (!scope.calendar.canEdit) return sendGraphError(reply, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    const input = parseInput(request, reply);
    if (!input) return reply;
    if (!input.start || !input.end) return sendGraphError(reply, 400, "ErrorInvalidRequest", "Your request can't be completed. The start and end of the event are required.");
    const fields = fieldsFromInput(input, undefined);
    const teams = input.isOnlineMeeting === true ? createTeamsMeeting(state, account, input.subject ?? "", fields.start!, fields.end!) : undefined;
    const event = createEvent(state, "microsoft", account, { ...fields, start: fields.start!, end: fields.end!, teamsJoinUrl: teams });
    return reply.code(201).send({ "@odata.context": `${context(account, "events")}/$entity`, ...toGraphEvent(account, event, preferences(request).timeZone) });
  };
  app.post("/v1.0/me/events", createHandler);
  app.post("/v1.0/me/calendars/:calendarId/events", createHandler);

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
}
