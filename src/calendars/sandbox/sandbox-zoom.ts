import type { Database, Prisma } from "../../platform/index.js";
import { SANDBOX_ACCOUNT, SANDBOX_ZOOM_MEETING_ID } from "./samples.js";

type Tx = Prisma.TransactionClient;

/** The simulated Zoom account's user id: never a real Zoom user's (those have no colon). */
export const sandboxZoomUserId = (userId: string) => `sandbox:${userId}`;

export function isSandboxZoom(zoomUserId: string): boolean {
  return zoomUserId.startsWith("sandbox:");
}

/**
 * The sandbox user has a Zoom account connected too, simulated like its calendar: no tokens,
 * nothing leaves the machine, and it hosts the one sample Zoom meeting. Stored before the sample
 * calendar syncs, so that meeting says "We'll see you join in Zoom" from the start.
 */
export async function ensureSandboxZoom(db: Database | Tx, userId: string, now: Date): Promise<void> {
  const zoom = await db.zoomConnection.upsert({
    where: { userId },
    create: { userId, zoomUserId: sandboxZoomUserId(userId), accountEmail: SANDBOX_ACCOUNT.email, scopes: [], status: "active", authorizedAt: now, meetingsReadAt: now, createdAt: now },
    update: {},
    select: { id: true, zoomUserId: true },
  });
  if (!isSandboxZoom(zoom.zoomUserId)) return;
  await db.zoomHostedMeeting.createMany({ data: [{ zoomConnectionId: zoom.id, meetingId: SANDBOX_ZOOM_MEETING_ID, seenAt: now }], skipDuplicates: true });
}

/**
 * SIMULATION: what the simulated Zoom's webhooks said about the user's own Zoom meeting (the
 * user joined a minute early), stored as the real webhook's evidence would be, once the meeting
 * is synced and the join is in the past.
 */
export async function recordSandboxZoomJoins(db: Database, userId: string, now: Date): Promise<number> {
  const joins = await db.sandboxEvent.findMany({
    where: { sampleKey: "hosted-zoom", deletedAt: null, selfJoinedAt: { lte: now }, connection: { userId } },
    select: { id: true, selfJoinedAt: true },
  });
  let stored = 0;
  for (const join of joins) {
    const meeting = await db.meeting.findFirst({ where: { userId, providerEventId: join.id, zoomMeetingId: SANDBOX_ZOOM_MEETING_ID }, select: { id: true } });
    if (!meeting || !join.selfJoinedAt) continue;
    const created = await db.evidence.createMany({ data: [{ meetingId: meeting.id, kind: "conference_joined", sourceKey: "zoom", observedAt: join.selfJoinedAt, detail: { source: "sandbox_zoom" } }], skipDuplicates: true });
    if (created.count > 0) await db.meeting.update({ where: { id: meeting.id }, data: { nextCheckAt: now } });
    stored += created.count;
  }
  return stored;
}
