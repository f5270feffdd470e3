import { DateTime } from "luxon";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { stringParams, type EmulatorContext } from "../context.js";
import { graphUrl, preferences } from "./auth.js";
import { calendarScope, calendarWindow } from "./calendars.js";
import { sendGraphError } from "./errors.js";
import { toGraphEvent } from "./event-resource.js";
import { applyEventQuery } from "./query-options.js";

/** calendarView's startDateTime/endDateTime: an offset is honoured, otherwise the value is UTC. */
export function parseWindowBound(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const parsed = DateTime.fromISO(value, { zone: "UTC" });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

export const missingWindow = (reply: FastifyReply): FastifyReply =>
  sendGraphError(reply, 400, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");

/**
 * "List calendarView": GET /me/calendarView and /me/calendars/{id}/calendarView, both needing
 * startDateTime and endDateTime. Pages with $top/$skip (default 10); honours `$expand` of extended
 * properties and `$select` (query-options.ts); `$filter` and `$orderby` are ignored.
 */
export function registerGraphCalendarView(app: FastifyInstance, ctx: EmulatorContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const scope = calendarScope(ctx, request, reply);
    if (!scope) return reply;
    const q = stringParams(request.query);
    const from = parseWindowBound(q["startDateTime"]);
    const to = parseWindowBound(q["endDateTime"]);
    if (from === undefined || to === undefined) return missingWindow(reply);
    const prefer = preferences(request);
    // Page size: $top, else Prefer odata.maxpagesize, else Graph's default of 10.
    const pageSize = Math.min(Number(q["$top"] ?? prefer.maxPageSize ?? 10), 1000);
    const skip = Number(q["$skip"] ?? "0");
    const items = calendarWindow(ctx.state, scope, from, to); // cancelled meetings stay, with isCancelled
    const page = items.slice(skip, skip + pageSize).map((o) => applyEventQuery(toGraphEvent(scope.account, o, prefer.timeZone), o.event, q));
    if (prefer.timeZone) reply.header("preference-applied", `outlook.timezone="${prefer.timeZone}"`);
    const next = skip + pageSize < items.length ? new URLSearchParams({ ...q, $top: String(pageSize), $skip: String(skip + pageSize) }) : undefined;
    return {
      "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#users('${scope.account.id}')/calendarView`,
      value: page,
      ...(next ? { "@odata.nextLink": graphUrl(ctx, `${scope.path}/calendarView?${next.toString()}`) } : {}),
    };
  };
  app.get("/v1.0/me/calendarView", handler);
  app.get("/v1.0/me/calendars/:calendarId/calendarView", handler);
}
