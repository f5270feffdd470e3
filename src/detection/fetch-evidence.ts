import type { SyncDependencies } from "../sync/sync-connection.js";
import { ProviderError } from "../calendars/provider-error.js";
import { errorMessage } from "../platform/errors.js";

export type EvidenceOutcome = "recorded" | "none_yet" | "unavailable" | "skipped";

/**
 * Asks the meeting's conference (Meet participants, Teams attendance report) whether the
 * user joined, and stores what it says as evidence: the user's own join, or that others
 * joined without them (used only for optional auto-confirmation). "No data" is never
 * evidence of absence: records lag and may be invisible to non-organisers.
 */
export async function fetchEvidence(meetingId: string, deps: SyncDependencies): Promise<EvidenceOutcome> {
  const { db, clock } = deps;
  const now = clock.now();
  const meeting = await db.meeting.findUnique({ where: { id: meetingId }, include: { connection: true } });
  if (!meeting || (!meeting.meetCode && !meeting.teamsJoinUrl)) return "skipped";
  const connection = meeting.connection;
  if (connection.status !== "active" || (connection.backoffUntil && connection.backoffUntil > now)) return "skipped";
  const tokens = deps.tokensFor(connection);
  if (!tokens) return "skipped";
  const provider = deps.providers.calendar(connection, tokens);

  let attendance;
  try {
    attendance = await provider.attendance({
      providerEventId: meeting.providerEventId,
      meetCode: meeting.meetCode,
      teamsJoinUrl: meeting.teamsJoinUrl,
      onlineMeetingId: meeting.onlineMeetingId,
      start: meeting.start,
      end: meeting.end,
      isOrganizer: meeting.isOrganizer,
    });
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "rate_limited") {
      await db.connection.update({ where: { id: connection.id }, data: { backoffUntil: new Date(now.getTime() + (error.retryAfterMs ?? 60_000)) } });
    }
    await db.meeting.update({ where: { id: meetingId }, data: { evidenceCheckedAt: now, evidenceNote: `Could not read attendance: ${errorMessage(error)}` } });
    throw error;
  }
  if (!attendance.available) {
    await db.meeting.update({ where: { id: meetingId }, data: { evidenceCheckedAt: now, evidenceNote: attendance.reason } });
    return "unavailable";
  }
  const rows = [
    ...(attendance.selfJoinedAt ? [{ meetingId, kind: "conference_joined" as const, sourceKey: "conference", observedAt: attendance.selfJoinedAt }] : []),
    ...(attendance.othersJoinedAt && !attendance.selfJoinedAt ? [{ meetingId, kind: "others_joined" as const, sourceKey: "conference", observedAt: attendance.othersJoinedAt }] : []),
  ];
  await db.$transaction([
    db.evidence.createMany({ data: rows, skipDuplicates: true }),
    // New evidence can change the decision: the meeting is due again (the caller decides it at once).
    db.meeting.update({ where: { id: meetingId }, data: { evidenceCheckedAt: now, evidenceNote: null, ...(rows.length > 0 ? { nextCheckAt: now } : {}) } }),
  ]);
  return rows.length > 0 ? "recorded" : "none_yet";
}
