import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EmulatorContext } from "../context.js";
import { calendarOccurrences, overlaps, type Occurrence } from "../occurrences.js";
import type { Account, EmulatorState } from "../state.js";
import { graphCaller } from "./auth.js";
import { graphNotFound } from "./errors.js";

/**
 * The calendars of a Graph account. Every account has its default calendar ("Calendar",
 * isDefaultCalendar true), which holds all of the account's events, and an empty, read-only
 * "Birthdays" calendar, so callers must pick by isDefaultCalendar (it is listed first, as Outlook does).
 */
export interface GraphCalendar {
  id: string;
  name: string;
  isDefault: boolean;
  canEdit: boolean;
}

/** Opaque, stable, base64-like ids in the shape Outlook uses (e.g. "AAMkAGI2TGuLAAA="). */
const calendarId = (account: Account, slot: string): string => `AAMkAGI2${Buffer.from(`${account.id}/${slot}`).toString("base64url")}AAA=`;

export function calendarsOf(account: Account): GraphCalendar[] {
  return [
    { id: calendarId(account, "calendar"), name: "Calendar", isDefault: true, canEdit: true },
    { id: calendarId(account, "birthdays"), name: "Birthdays", isDefault: false, canEdit: false },
  ];
}

export function findCalendar(account: Account, id: string): GraphCalendar | undefined {
  return calendarsOf(account).find((calendar) => calendar.id === id);
}

/** The calendar resource type's properties ("Get calendar" / "List calendars" responses). */
function calendarResource(ctx: EmulatorContext, account: Account, calendar: GraphCalendar): object {
  return {
    "@odata.id": `${ctx.baseUrl()}/v1.0/users('${account.id}@${account.tenantId}')/calendars('${calendar.id}')`,
    id: calendar.id,
    name: calendar.name,
    color: "auto",
    hexColor: "",
    isDefaultCalendar: calendar.isDefault,
    changeKey: Buffer.from(`${calendar.id}:1`).toString("base64").slice(0, 28),
    canShare: calendar.isDefault,
    canViewPrivateItems: true,
    canEdit: calendar.canEdit,
    allowedOnlineMeetingProviders: ["teamsForBusiness"],
    defaultOnlineMeetingProvider: "teamsForBusiness",
    isTallyingResponses: calendar.isDefault,
    isRemovable: false,
    owner: { name: account.name, address: account.email },
  };
}

export function registerGraphCalendars(app: FastifyInstance, ctx: EmulatorContext): void {
  // "List calendars": GET /me/calendars (no paging needed for two calendars).
  app.get("/v1.0/me/calendars", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    return { "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#me/calendars`, value: calendarsOf(account).map((c) => calendarResource(ctx, account, c)) };
  });

  // "Get calendar": GET /me/calendar is the default calendar; GET /me/calendars/{id} any of them.
  app.get("/v1.0/me/calendar", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    return { "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#me/calendars/$entity`, ...calendarResource(ctx, account, calendarsOf(account)[0]!) };
  });

  app.get<{ Params: { calendarId: string } }>("/v1.0/me/calendars/:calendarId", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const calendar = findCalendar(account, request.params.calendarId);
    if (!calendar) return graphNotFound(reply);
    return { "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#me/calendars/$entity`, ...calendarResource(ctx, account, calendar) };
  });
}

/** Which calendar a request addresses: `/me/...` is the default calendar, `/me/calendars/{id}/...` the one named. */
export interface CalendarScope {
  account: Account;
  calendar: GraphCalendar;
  /** Path prefix below /v1.0 for links that stay on the same calendar. */
  path: string;
}

export function calendarScope(ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): CalendarScope | undefined {
  const account = graphCaller(ctx, request, reply);
  if (!account) return undefined;
  const params = (request.params ?? {}) as { calendarId?: string };
  if (params.calendarId === undefined) return { account, calendar: calendarsOf(account)[0]!, path: "/me" };
  const calendar = findCalendar(account, params.calendarId);
  if (!calendar) {
    graphNotFound(reply);
    return undefined;
  }
  return { account, calendar, path: `/me/calendars/${encodeURIComponent(calendar.id)}` };
}

/** The calendar-view items of a calendar: all of the account's events live in its default calendar. */
export function calendarWindow(state: EmulatorState, scope: CalendarScope, from: number, to: number): Occurrence[] {
  if (!scope.calendar.isDefault) return [];
  return calendarOccurrences(state, "microsoft", scope.account.id, to).filter((o) => !o.event.deleted && !o.master?.deleted && overlaps(o, from, to));
}
