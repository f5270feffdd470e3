import type { Prisma } from "../../platform/index.js";
import { evidenceSourceOf, type SignalAccess } from "../domain/index.js";
import { enqueueTasks } from "../../tasks/index.js";
import { zoomAccessOf } from "../zoom/zoom-access.js";
import { signalAccessOf } from "./signal-access.js";
import { wakeUpTask } from "./detection-wake-up.js";

type Tx = Prisma.TransactionClient;

/**
 * Decides again how each of a connection's unsettled meetings can be known, after what the
 * account lets us read changed (presence turned out to be unavailable, or became available).
 * Meetings whose source changed are made due, so detection decides them with the new source
 * (a Teams meeting that lost its presence signal gets no "running late?").
 */
export async function refreshEvidenceSources(tx: Tx, connectionId: string, calendarAccess: SignalAccess, now: Date): Promise<number> {
  // The user's Zoom account is part of what the connection's meetings can be seen through.
  const owner = await tx.connection.findUniqueOrThrow({ where: { id: connectionId }, select: { userId: true } });
  const access: SignalAccess = { ...calendarAccess, zoom: calendarAccess.zoom === undefined ? await zoomAccessOf(tx, owner.userId) : calendarAccess.zoom };
  const meetings = await tx.meeting.findMany({
    where: { connectionId, deletedAt: null, OR: [{ state: null, watched: true }, { state: { in: ["upcoming", "in_progress", "late", "suspected_missed"] } }] },
    select: { id: true, meetCode: true, teamsJoinUrl: true, conferenceUrl: true, location: true, description: true, isOrganizer: true, evidenceSource: true, evidenceSourceReason: true, liveSignal: true },
  });
  const changed = meetings.flatMap((meeting) => {
    const visibility = evidenceSourceOf(meeting, access);
    // The reason too: "Zoom doesn't tell us" becomes "hosted by someone else" once Zoom is connected.
    if (visibility.source === meeting.evidenceSource && visibility.live === meeting.liveSignal && visibility.reason === meeting.evidenceSourceReason) return [];
    return [{ id: meeting.id, source: visibility.source, reason: visibility.reason, live: visibility.live }];
  });
  if (changed.length === 0) return 0;
  await tx.$executeRaw`
    update meetings m
       set evidence_source = c.source, evidence_source_reason = c.reason, live_signal = c.live,
           next_check_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as c(id uuid, source "EvidenceSource", reason text, live boolean)
     where m.id = c.id`;
  return changed.length;
}

/**
 * Decides again how each of a user's unsettled meetings can be known after their Zoom account
 * changed (connected, disconnected, a hosted meeting learnt), and wakes detection for those that
 * changed.
 */
export async function refreshUserEvidenceSources(tx: Tx, userId: string, now: Date): Promise<number> {
  const zoom = await zoomAccessOf(tx, userId);
  const connections = await tx.connection.findMany({ where: { userId, status: "active" }, select: { id: true, provider: true, presenceStatus: true } });
  let changed = 0;
  for (const connection of connections) changed += await refreshEvidenceSources(tx, connection.id, { ...signalAccessOf(connection), zoom }, now);
  if (changed > 0) await enqueueTasks(tx, [wakeUpTask(now)]);
  return changed;
}
