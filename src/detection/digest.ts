import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Database, Prisma } from "../platform/index.js";
import { digestAlert } from "../alerts/index.js";
import { defineTask } from "../tasks/index.js";
import type { NewTask } from "../tasks/index.js";
import type { NewDetectionAlert } from "./persist-decisions.js";

type Tx = Prisma.TransactionClient;

export const SEND_DIGEST = "send_digest";

/**
 * The end-of-day digest of one user and local day: one task per (user, day) whatever number of
 * meetings asked for it, due at the end of their working day (digestTimeFor).
 */
export function digestTask(userId: string, day: string, dueAt: Date): NewTask {
  return { kind: SEND_DIGEST, payload: { userId, day }, idempotencyKey: digestKey(userId, day), dueAt, priority: 25, userId };
}

export function digestKey(userId: string, day: string): string {
  return `digest:${userId}:${day}`;
}

export interface DigestDependencies {
  db: Database;
  publicUrl: string;
  /** queue delivery of the new alert on the user's channels, in the same transaction */
  onAlertsRaised(tx: Tx, alerts: readonly NewDetectionAlert[], now: Date): Promise<void>;
}

/**
 * Sends the digest: the user's check-in-only meetings that settled without a check-in and are
 * still unanswered, never listed before, in one alert ("Were you at these?"). Exactly once per
 * user and day: the alert's idempotency key is the task's, and the meetings it lists are marked
 * in the same transaction, so a second run (a second instance, a retry after a crash) lists
 * nothing new and inserts nothing.
 */
export function sendDigestTask(deps: DigestDependencies) {
  return defineTask({
    kind: SEND_DIGEST,
    payload: z.object({ userId: z.uuid(), day: z.iso.date() }),
    async run({ userId, day }, context) {
      await context.finish(async (tx) => {
        const now = context.now;
        // One digest per user at a time: two tasks of two days racing list each meeting once.
        await tx.$queryRaw`select id from users where id = ${userId}::uuid for update`;
        const meetings = await tx.meeting.findMany({
          where: {
            userId,
            state: "suspected_missed",
            // what no signal could see: check-in only, or presence never read while it ran (signalSeesAbsence)
            OR: [{ evidenceSource: "check_in" }, { evidenceSource: "presence", liveReadAt: null }],
            digestedAt: null,
            deletedAt: null,
            end: { lte: now },
            // a meeting asked about on its own (the user chose "each" at the time) is not asked twice
            alerts: { none: { kind: "suspected_missed" } },
            // nor one that ended before the calendar was connected (placed quietly)
            connection: { createdAt: { lt: now } },
          },
          select: { id: true, title: true, start: true, end: true, connection: { select: { createdAt: true } } },
          orderBy: [{ start: "asc" }, { id: "asc" }],
        });
        const listed = meetings.filter((meeting) => meeting.end.getTime() > meeting.connection.createdAt.getTime());
        if (listed.length === 0) {
          context.log.debug({ userId, day }, "digest: nothing to ask");
          return;
        }
        const settings = await tx.settings.findUnique({ where: { userId }, select: { timeZone: true } });
        const text = digestAlert({ items: listed, timeZone: settings?.timeZone ?? "UTC" });
        const alertId = randomUUID();
        const inserted = await tx.alert.createMany({
          data: [
            {
              id: alertId,
              userId,
              kind: "digest",
              idempotencyKey: digestKey(userId, day),
              title: text.subject,
              body: text.body,
              data: {
                day,
                meetingIds: listed.map((meeting) => meeting.id),
                links: [{ label: listed.length === 1 ? "I was there" : "I was at all of them", url: `${deps.publicUrl}/?alert=${alertId}&action=all_attended` }],
              },
              createdAt: now,
            },
          ],
          skipDuplicates: true,
        });
        if (inserted.count === 0) return;
        await tx.meeting.updateMany({ where: { id: { in: listed.map((meeting) => meeting.id) } }, data: { digestedAt: now } });
        await deps.onAlertsRaised(tx, [{ alertId, userId, meetingId: null, kind: "digest" }], now);
        context.log.info({ userId, day, meetings: listed.length }, "digest sent");
      });
    },
  });
}
