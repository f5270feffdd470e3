import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { stringParams, type EmulatorContext } from "../context.js";
import { opaqueId } from "../ids.js";
import { graphUrl, preferences } from "./auth.js";
import { missingWindow, parseWindowBound } from "./calendar-view.js";
import { calendarScope, calendarWindow } from "./calendars.js";
import { sendGraphError } from "./errors.js";
import { toGraphEvent } from "./event-resource.js";

/** What a delta token remembers: the calendar, the window, the change position and which ids the client holds. */
interface DeltaState { accountId: string; calendarId: string; generation: number; changeSeq: number; from: number; to: number; knownIds: Set<string> }
/** Items are rendered page by page, as they are served: the first page need not wait for the last. */
interface PendingRound { accountId: string; items: Array<() => object>; next: DeltaState; timeZone: string | undefined }

const DEFAULT_DELTA_PAGE_SIZE = 100;

export function registerGraphDelta(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const deltaTokens = new Map<string, DeltaState>();
  const skipTokens = new Map<string, PendingRound>();

  /**
   * "event: delta" on a calendar view (GET /me/calendarView/delta, and /me/calendars/{id}/calendarView/delta
   * for a named calendar). It returns the same properties as GET /calendarView but supports neither
   * $select nor $expand, so extended properties never come with it.
   */
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const scope = calendarScope(ctx, request, reply);
    if (!scope) return reply;
    const { account } = scope;
    const sameCalendar = (saved: DeltaState): boolean => saved.accountId === account.id && saved.calendarId === scope.calendar.id;
    const q = stringParams(request.query);
    const prefer = preferences(request);
    const pageSize = prefer.maxPageSize ?? DEFAULT_DELTA_PAGE_SIZE;
    if (prefer.maxPageSize) reply.header("preference-applied", `odata.maxpagesize=${pageSize}`);
    const syncStateGone = () => sendGraphError(reply, 410, "SyncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again.");

    let round: PendingRound;
    if (q["$skiptoken"]) {
      const pending = skipTokens.get(q["$skiptoken"]);
      if (!pending || !sameCalendar(pending.next)) return syncStateGone();
      skipTokens.delete(q["$skiptoken"]);
      if (pending.next.generation !== state.generationOf(account.id)) return syncStateGone();
      round = pending;
    } else if (q["$deltatoken"]) {
      const previous = deltaTokens.get(q["$deltatoken"]);
      // Delta query overview, "Synchronization reset": an unusable token answers 410 Gone.
      if (!previous || !sameCalendar(previous) || previous.generation !== state.generationOf(account.id)) return syncStateGone();
      const current = calendarWindow(state, scope, previous.from, previous.to);
      const currentIds = new Set(current.map((o) => o.id));
      const changed = current.filter((o) => o.changeSeq > previous.changeSeq || !previous.knownIds.has(o.id)).map((o) => () => toGraphEvent(account, o, prefer.timeZone));
      const removed = [...previous.knownIds].filter((id) => !currentIds.has(id)).map((id) => () => ({ "@odata.type": "#microsoft.graph.event", id, "@removed": { reason: "deleted" } }));
      round = { accountId: account.id, items: [...changed, ...removed], timeZone: prefer.timeZone, next: { ...previous, changeSeq: state.currentChangeSeq(), knownIds: currentIds } };
    } else {
      const from = parseWindowBound(q["startDateTime"]);
      const to = parseWindowBound(q["endDateTime"]);
      if (from === undefined || to === undefined) return missingWindow(reply);
      const current = calendarWindow(state, scope, from, to);
      round = {
        accountId: account.id, timeZone: prefer.timeZone, items: current.map((o) => () => toGraphEvent(account, o, prefer.timeZone)),
        next: { accountId: account.id, calendarId: scope.calendar.id, generation: state.generationOf(account.id), changeSeq: state.currentChangeSeq(), from, to, knownIds: new Set(current.map((o) => o.id)) },
      };
    }

    const page = round.items.slice(0, pageSize).map((render) => render());
    const rest = round.items.slice(pageSize);
    const contextUrl = `${ctx.baseUrl()}/v1.0/$metadata#Collection(event)`;
    if (rest.length > 0) {
      const skipToken = opaqueId("", 24);
      skipTokens.set(skipToken, { ...round, items: rest });
      return { "@odata.context": contextUrl, "@odata.nextLink": graphUrl(ctx, `${scope.path}/calendarView/delta?$skiptoken=${skipToken}`), value: page };
    }
    const deltaToken = opaqueId("", 24);
    deltaTokens.set(deltaToken, round.next);
    return { "@odata.context": contextUrl, "@odata.deltaLink": graphUrl(ctx, `${scope.path}/calendarView/delta?$deltatoken=${deltaToken}`), value: page };
  };
  app.get("/v1.0/me/calendarView/delta", handler);
  app.get("/v1.0/me/calendars/:calendarId/calendarView/delta", handler);
}
