import { mapWithConcurrency } from "../src/platform/index.js";
import { syncConnection } from "../src/calendars/index.js";
import type { Database, Prisma } from "../src/platform/index.js";
import { readZoomMeetingsRequest, requestSync } from "../src/calendars/index.js";
import { enqueueTasks } from "../src/tasks/index.js";
import type { Job } from "./job.js";

/** How many connections sync at once: a slow provider never holds up the others for long. */
const CONCURRENCY = 16;

/** Pulls changes from every active connection: the safety net under push notifications. */
export const syncJob: Job = {
  name: "sync",
  description: "Sync every active calendar connection (incremental where a cursor exists)",
  schedule: "*/5 * * * *",
  exclusive: true,
  async run({ db, clock, sync, signal }) {
    const due = await dueConnections(db, clock.now());
    // Zoom accounts' hosted meetings are read by tasks (throttling is retried there): queued here too.
    await queueZoomReads(db, `run:${clock.now().toISOString()}`, clock.now());
    const outcomes = await mapWithConcurrency(due, CONCURRENCY, async ({ id }) => (signal.aborted ? undefined : syncConnection(id, sync)));
    const count = (status: string) => outcomes.filter((outcome) => outcome?.status === status).length;
    return { connections: due.length, synced: count("synced"), backingOff: count("backing_off"), needsReauth: count("needs_reauth"), skipped: count("skipped") };
  },
  /**
   * A scheduled minute queues one sync task per due connection, keyed `sync:<id>:due:<minute>`,
   * and a read of each connected Zoom account's hosted meetings (new ones become `conference`).
   */
  async scheduled({ db, clock }, bucket) {
    const now = clock.now();
    const due = await dueConnections(db, now);
    let queued = 0;
    await db.$transaction(async (tx) => {
      for (const { id } of due) queued += await requestSync(tx, id, `due:${bucket}`, now);
      queued += await queueZoomReads(tx, `due:${bucket}`, now);
    });
    return { connections: due.length, queued };
  },
};

/**
 * Zoom accounts whose hosted meetings were last read over half an hour ago: a meeting scheduled
 * since is learnt from its first webhook anyway (Zoom names the host), so the list is only the
 * safety net, and Zoom's rate limits are per account.
 */
const ZOOM_MEETINGS_FRESH_MS = 30 * 60_000;

async function queueZoomReads(db: Database | Prisma.TransactionClient, reason: string, now: Date): Promise<number> {
  const stale = new Date(now.getTime() - ZOOM_MEETINGS_FRESH_MS);
  const zoom = await db.zoomConnection.findMany({ where: { status: "active", NOT: { zoomUserId: { startsWith: "sandbox:" } }, OR: [{ meetingsReadAt: null }, { meetingsReadAt: { lt: stale } }] }, select: { id: true } });
  return zoom.length > 0 ? enqueueTasks(db, zoom.map(({ id }) => readZoomMeetingsRequest(id, reason, now))) : 0;
}

function dueConnections(db: Database, now: Date): Promise<Array<{ id: string }>> {
  return db.connection.findMany({
    where: { status: "active", OR: [{ backoffUntil: null }, { backoffUntil: { lte: now } }] },
    select: { id: true },
    orderBy: { lastSyncAt: { sort: "asc", nulls: "first" } },
  });
}
