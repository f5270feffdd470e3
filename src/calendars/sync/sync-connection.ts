import type { ProviderFactory } from "../provider-factory.js";
import { ProviderError } from "../provider-error.js";
import type { CalendarProvider, SyncPage, SyncRequest, TimeRange } from "../provider.js";
import { roundPages } from "../sync-pages.js";
import type { Database } from "../../platform/index.js";
import type { AccessTokenSource } from "../provider.js";
import { NeedsReauthorisationError } from "../connections/connection-tokens.js";
import type { Clock } from "../../platform/index.js";
import { errorMessage } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { backoffDelayMs } from "./backoff.js";
import { markUnlisted, storeChanges } from "./store-round.js";
import { enqueueTasks } from "../../tasks/index.js";
import type { Metrics } from "../../platform/index.js";
import { observeSync } from "./sync-metrics.js";
import { requestSync } from "./request-sync.js";
import { signalAccessOf } from "./signal-access.js";
import { zoomAccessOf } from "../zoom/zoom-access.js";
import { refreshEvidenceSources } from "./evidence-sources.js";
import { wakeUpTask } from "./detection-wake-up.js";
import type { ZoomAccounts } from "../zoom/zoom-accounts.js";
import { probePresence } from "./presence-status.js";
import type { SignalAccess } from "../domain/index.js";
import { randomUUID } from "node:crypto";
import { extendSyncLease, releaseSyncLease, SYNC_LEASE_MS, takeSyncLease } from "./sync-lease.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface SyncDependencies {
  db: Database;
  providers: ProviderFactory;
  clock: Clock;
  log: Logger;
  window: { pastDays: number; futureDays: number };
  tokensFor(connection: { id: string; provider: "google" | "microsoft" | "sandbox" }): AccessTokenSource | undefined;
  metrics?: Pick<Metrics, "syncRun">;
  /** the users' Zoom accounts (their participant lists); absent where Zoom plays no part */
  zoom?: ZoomAccounts;
}

export type SyncOutcome =
  | { status: "synced"; calendars: number; upserted: number; removed: number; fullRounds: number }
  | { status: "skipped"; reason: "busy" | "backing_off" | "inactive" }
  | { status: "backing_off"; until: Date; reason: string }
  | { status: "needs_reauth" };

/**
 * One sync of one connection: each of its calendars gets a round (incremental from the
 * stored cursor, or a full listing of the rolling window), stored in one transaction with
 * the new cursor, so a crash repeats the round rather than losing changes. The connection's
 * sync lease (sync-lease.ts) keeps two instances from interleaving rounds on one cursor.
 */
export interface SyncOptions {
  /**
   * A throttled or failed round queues the connection's next sync for the instant its backoff
   * ends (true by default: the cron job and the sandbox). A sync task passes false: it comes
   * back itself at that instant (the runner's retry, which counts attempts and parks for good).
   */
  queueSyncAfterBackoff?: boolean;
}

export async function syncConnection(connectionId: string, deps: SyncDependencies, options: SyncOptions = {}): Promise<SyncOutcome> {
  const observed = observeSync(deps, connectionId);
  const owner = randomUUID();
  // Busy: the running sync was told to go again, so this ask is covered; nothing waits or retries.
  if (!(await takeSyncLease(deps.db, connectionId, owner, deps.clock.now()))) return observed({ status: "skipped", reason: "busy" });
  const keep = setInterval(() => {
    extendSyncLease(deps.db, connectionId, owner, deps.clock.now()).catch((error: unknown) => deps.log.warn({ connectionId, error }, "could not extend the sync lease"));
  }, SYNC_LEASE_MS / 3);
  try {
    return observed(await syncLocked(connectionId, deps, options.queueSyncAfterBackoff ?? true));
  } finally {
    clearInterval(keep);
    await releaseSyncLease(deps.db, connectionId, owner, deps.clock.now());
  }
}

async function syncLocked(connectionId: string, deps: SyncDependencies, queueSyncAfterBackoff: boolean): Promise<SyncOutcome> {
  const { db, clock } = deps;
  const log = deps.log.child({ connectionId });
  const connection = await db.connection.findUnique({ where: { id: connectionId } });
  if (!connection || connection.status !== "active") return { status: "skipped", reason: "inactive" };
  if (connection.backoffUntil && connection.backoffUntil > clock.now()) return { status: "skipped", reason: "backing_off" };
  const tokens = deps.tokensFor(connection);
  if (!tokens) {
    return failed(deps, connectionId, connection.backoffAttempts, new ProviderError(connection.provider, "invalid", `${connection.provider} is not configured on this server`), queueSyncAfterBackoff);
  }
  const provider = deps.providers.calendar(connection, tokens);

  try {
    const calendars = await ensureCalendars(db, connectionId, provider);
    const totals = { calendars: calendars.length, upserted: 0, removed: 0, fullRounds: 0 };
    await probePresence(deps, connection, provider, clock.now());
    const access = { ...signalAccessOf(connection), zoom: await zoomAccessOf(db, connection.userId) };
    for (const calendar of calendars) {
      const stored = await syncCalendar(deps, { ...calendar, userId: connection.userId, connectionId, access }, provider, log);
      totals.upserted += stored.upserted;
      totals.removed += stored.removed;
      totals.fullRounds += stored.full ? 1 : 0;
    }
    await catchUpWithZoom(db, connection, access.zoom ?? null, clock.now());
    await db.connection.update({
      where: { id: connectionId },
      data: { lastSyncAt: clock.now(), lastSyncError: null, lastErrorAt: null, backoffUntil: null, backoffAttempts: 0 },
    });
    log.debug(totals, "connection synced");
    return { status: "synced", ...totals };
  } catch (error) {
    return failed(deps, connectionId, connection.backoffAttempts, error, queueSyncAfterBackoff);
  }
}

/**
 * The user's hosted Zoom meetings may have been read while this round was storing rows with the
 * list it started from (connecting Zoom and the first sync run at once): that read's own refresh
 * did not see the rows stored since. Whatever committed before this look is caught up here; what
 * commits after it refreshes these rows itself.
 */
async function catchUpWithZoom(db: Database, connection: { id: string; userId: string; provider: "google" | "microsoft" | "sandbox"; presenceStatus: "unknown" | "available" | "unavailable" }, used: { hosted: ReadonlySet<string> } | null, now: Date): Promise<void> {
  const current = await zoomAccessOf(db, connection.userId);
  const same = (used === null) === (current === null) && (!used || !current || (used.hosted.size === current.hosted.size && [...current.hosted].every((id) => used.hosted.has(id))));
  if (same) return;
  await db.$transaction(async (tx) => {
    const changed = await refreshEvidenceSources(tx, connection.id, { ...signalAccessOf(connection), zoom: current }, now);
    if (changed > 0) await enqueueTasks(tx, [wakeUpTask(now)]);
  });
}

async function ensureCalendars(db: Database, connectionId: string, provider: CalendarProvider) {
  const known = await db.calendar.findMany({ where: { connectionId } });
  if (known.length > 0) return known;
  // We follow the user's primary calendar: the one meetings are booked on. Secondary and
  // subscribed calendars (holidays, birthdays, colleagues') would only add noise.
  const calendars = await provider.listCalendars();
  const primary = calendars.find((calendar) => calendar.isPrimary) ?? calendars[0];
  if (!primary) return [];
  await db.calendar.createMany({
    data: [{ connectionId, providerCalendarId: primary.providerCalendarId, name: primary.name, isPrimary: true, timeZone: primary.timeZone }],
    skipDuplicates: true,
  });
  return db.calendar.findMany({ where: { connectionId } });
}

interface CalendarRow {
  id: string;
  userId: string;
  connectionId: string;
  providerCalendarId: string;
  syncCursor: string | null;
  windowStart: Date | null;
  access: SignalAccess;
}

async function syncCalendar(deps: SyncDependencies, calendar: CalendarRow, provider: CalendarProvider, log: Logger) {
  const now = deps.clock.now();
  const window: TimeRange = {
    start: new Date(now.getTime() - deps.window.pastDays * DAY_MS),
    end: new Date(now.getTime() + deps.window.futureDays * DAY_MS),
  };
  // A cursor only follows the window it was made for: once a day we list the window again
  // so that it rolls forward.
  const windowStale = !calendar.windowStart || now.getTime() - calendar.windowStart.getTime() > (deps.window.pastDays + 1) * DAY_MS;
  const cursor = windowStale ? null : calendar.syncCursor;
  try {
    return await storeRound(deps, calendar, provider, { providerCalendarId: calendar.providerCalendarId, cursor, window }, now);
  } catch (error) {
    if (!(error instanceof ProviderError) || error.kind !== "cursor_expired" || cursor === null) throw error;
    log.info({ calendarId: calendar.id }, "sync cursor expired; listing the whole window again");
    return storeRound(deps, calendar, provider, { providerCalendarId: calendar.providerCalendarId, cursor: null, window }, now);
  }
}

/**
 * Reads one round page by page and stores each page as it arrives, in one transaction that ends
 * by saving the round's cursor: memory stays flat however large the round, reading the next page
 * overlaps storing this one, and a crash (or a provider error) mid-round rolls everything back, so
 * the round is repeated rather than half-applied. The first page is read before the transaction
 * opens, so a poll that finds nothing new never holds a transaction while waiting on the provider.
 */
async function storeRound(deps: SyncDependencies, calendar: CalendarRow, provider: CalendarProvider, request: SyncRequest, now: Date) {
  const pages = roundPages(provider, request)[Symbol.asyncIterator]();
  const first = await pages.next();
  const target = { userId: calendar.userId, connectionId: calendar.connectionId, calendarId: calendar.id, access: calendar.access };
  return deps.db.$transaction(
    async (tx) => {
      let upserted = 0;
      let removed = 0;
      // Every listed event still exists, cancelled ones too (Graph lists them with isCancelled):
      // after a full round only events the provider no longer lists are gone.
      const listed: string[] = [];
      let last: SyncPage | undefined;
      for (let current = first; !current.done; ) {
        const page = current.value;
        const following = page.nextCursor === null ? pages.next() : undefined;
        // Awaited below; this only keeps a failure from being reported as unhandled when storing fails first.
        following?.catch(() => undefined);
        const stored = await storeChanges(tx, target, page.changes, now);
        upserted += stored.upserted;
        removed += stored.removed;
        if (page.full) for (const change of page.changes) if (change.kind === "upsert") listed.push(change.event.providerEventId);
        if (!following) {
          last = page;
          break;
        }
        current = await following;
      }
      if (!last?.nextCursor) throw new ProviderError(provider.kind, "invalid", "the sync round ended without a cursor for the next round");
      if (last.full) removed += await markUnlisted(tx, calendar.id, request.window, listed, now);
      if (upserted + removed > 0) {
        // The changed meetings are decided again right after this commit (new, moved, cancelled).
        await enqueueTasks(tx, [{ kind: "detect_user", payload: { userId: calendar.userId }, idempotencyKey: `detect-user:${calendar.userId}:${now.toISOString()}`, dueAt: now, priority: 15 }]);
      }
      await tx.calendar.update({
        where: { id: calendar.id },
        data: {
          syncCursor: last.nextCursor,
          ...(last.full ? { windowStart: request.window.start, windowEnd: request.window.end, lastFullSyncAt: now } : {}),
        },
      });
      return { upserted, removed, full: last.full };
    },
    // The provider's page reads after the first happen inside: room for a long round.
    { timeout: 120_000, maxWait: 30_000 },
  );
}

async function failed(deps: SyncDependencies, connectionId: string, attempts: number, error: unknown, queueSyncAfterBackoff: boolean): Promise<SyncOutcome> {
  const now = deps.clock.now();
  const log = deps.log.child({ connectionId });
  if (error instanceof NeedsReauthorisationError) return { status: "needs_reauth" };
  const retryable = error instanceof ProviderError ? error.retryable : true;
  const waitMs = error instanceof ProviderError && error.retryAfterMs !== null ? error.retryAfterMs : backoffDelayMs(attempts + 1);
  const until = new Date(now.getTime() + (retryable ? waitMs : backoffDelayMs(attempts + 1, { baseMs: 15 * 60_000 })));
  const reason = describe(error);
  await deps.db.$transaction(async (tx) => {
    await tx.connection.update({
      where: { id: connectionId },
      data: { lastSyncError: reason, lastErrorAt: now, backoffUntil: until, backoffAttempts: attempts + 1 },
    });
    // The next sync is queued for the instant the backoff ends (Retry-After when the provider
    // gave one), not left to the next poll after it: whatever this round missed comes then.
    if (queueSyncAfterBackoff) await requestSync(tx, connectionId, `after-backoff:${until.toISOString()}`, now, until);
  });
  log.warn({ reason, until: until.toISOString(), kind: error instanceof ProviderError ? error.kind : "unexpected" }, "sync failed; backing off");
  return { status: "backing_off", until, reason };
}

function describe(error: unknown): string {
  if (error instanceof ProviderError) {
    switch (error.kind) {
      case "rate_limited":
        return `${error.provider} asked us to slow down (rate limited); catching up shortly`;
      case "transient":
        return `${error.provider} is having trouble (${error.message}); retrying with backoff`;
      default:
        return error.message;
    }
  }
  return `Sync failed: ${errorMessage(error)}`;
}
