import type { FastifyInstance } from "fastify";
import { stringParams, type EmulatorContext } from "../context.js";
import { opaqueId } from "../ids.js";
import { calendarOccurrences, overlaps } from "../occurrences.js";
import type { Account } from "../state.js";
import { graphCaller, graphUrl, preferences } from "./auth.js";
import { sendGraphError } from "./errors.js";
import { toGraphEvent } from "./event-resource.js";
import { parseWindowBound } from "./calendar.js";

/** What a delta token remembers: the window, the change position and which ids the client holds. */
interface DeltaState { accountId: string; generation: number; changeSeq: number; from: number; to: number; knownIds: Set<string> }
interface PendingRound { accountId: string; items: object[]; next: DeltaState; timeZone: string | undefined }

const DEFAULT_DELTA_PAGE_SIZE = 100;

export function registerGraphDelta(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const deltaTokens = new Map<string, DeltaState>();
  const skipTokens = new Map<string, PendingRound>();

  const currentWindow = (account: Account, from: number, to: number) =>
    calendarOccurrences(state, "microsoft", account.id, to).filter((o) => !o.event.deleted && !o.master?.deleted && overlaps(o, from, to));

  app.get("/v1.0/me/calendarView/delta", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const q = stringParams(request.query);
    const prefer = preferences(request);
    const pageSize = prefer.maxPageSize ?? DEFAULT_DELTA_PAGE_SIZE;
    if (prefer.maxPageSize) reply.header("preference-applied", `odata.maxpagesize=${pageSize}`);
    const syncStateGone = () => sendGraphError(reply, 410, "SyncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again.");

    let round: PendingRound;
    if (q["$skiptoken"]) {
      const pending = skipTokens.get(q["$skiptoken"]);
      if (!pending || pending.accountId !== account.id) return syncStateGone();
      skipTokens.delete(q["$skiptoken"]);
      if (pending.next.generation !== state.generationOf(account.id)) return syncStateGone();
      round = pending;
    } else if (q["$deltatoken"]) {
      const previous = deltaTokens.get(q["$deltatoken"]);
      // Delta query overview, "Synchronization reset": an unusable token answers 410 Gone.
      if (!previous || previous.accountId !== account.id || previous.generation !== state.generationOf(account.id)) return syncStateGone();
      const current = currentWindow(account, previous.from, previous.to);
      const currentIds = new Set(current.map((o) => o.id));
      const changed = current.filter((o) => o.changeSeq > previous.changeSeq || !previous.knownIds.has(o.id)).map((o) => toGraphEvent(account, o, prefer.timeZone));
      const removed = [...previous.knownIds].filter((id) => !currentIds.has(id)).map((id) => ({ "@odata.type": "#microsoft.graph.event", id, "@removed": { reason: "deleted" } }));
      round = { accountId: account.id, items: [...changed, ...removed], timeZone: prefer.timeZone, next: { ...previous, changeSeq: state.currentChangeSeq(), knownIds: currentIds } };
    } else {
      const from = parseWindowBound(q["startDateTime"]);
      const to = parseWindowBound(q["endDateTime"]);
      if (from === undefined || to === undefined) {
        return sendGraphError(reply, 400, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
      }
      const current = currentWindow(account, from, to);
      round = {
        accountId: account.id, timeZone: prefer.timeZone, items: current.map((o) => toGraphEvent(account, o, prefer.timeZone)),
        next: { accountId: account.id, generation: state.generationOf(account.id), changeSeq: state.currentChangeSeq(), from, to, knownIds: new Set(current.map((o) => o.id)) },
      };
    }

    const page = round.items.slice(0, pageSize);
    const rest = round.items.slice(pageSize);
    const contextUrl = `${ctx.baseUrl()}/v1.0/$metadata#Collection(event)`;
    if (rest.length > 0) {
      const skipToken = opaqueId("", 24);
      skipTokens.set(skipToken, { ...round, items: rest });
      return { "@odata.context": contextUrl, "@odata.nextLink": graphUrl(ctx, `/me/calendarView/delta?$skiptoken=${skipToken}`), value: page };
    }
    const deltaToken = opaqueId("", 24);
    deltaTokens.set(deltaToken, round.next);
    return { "@odata.context": contextUrl, "@odata.deltaLink": graphUrl(ctx, `/me/calendarView/delta?$deltatoken=${deltaToken}`), value: page };
  });
}
