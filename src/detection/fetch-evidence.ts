import type { SyncDependencies } from "../calendars/index.js";
import { ProviderError } from "../calendars/index.js";
import type { CalendarProvider } from "../calendars/index.js";
import { errorMessage } from "../platform/index.js";
import { recordPresenceStatus } from "../calendars/index.js";
import { inACall } from "./presence.js";
import { zoomAttendance } from "../calendars/index.js";

export type EvidenceOutcome = "recorded" | "none_yet" | "unavailable" | "skipped";

type MeetingRow = NonNullable<Awaited<ReturnType<typeof loadMeeting>>>;
type EvidenceRow = { meetingId: string; kind: "conference_joined" | "others_joined" | "presence_in_call"; sourceKey: string; observedAt: Date };
type Reading = { rows: EvidenceRow[]; unavailable: string | null };

function loadMeeting(deps: SyncDependencies, meetingId: string) {
  return deps.db.meeting.findUnique({ where: { id: meetingId }, include: { connection: true } });
}

/**
 * Asks what the meeting's signals say and stores it as evidence: the conference (Meet
 * participants, Teams attendance report: the user's own join, or that others joined without
 * them) and, while a Teams meeting runs, the user's presence ("in a call" is evidence that they
 * are in it, weaker than a join). "No data" is never evidence of absence: records lag and may
 * be invisible to non-organisers. A presence the account cannot read (a personal account, no
 * consent) is recorded once on the connection, and its meetings fall back to check-in.
 */
export async function fetchEvidence(meetingId: string, deps: SyncDependencies): Promise<EvidenceOutcome> {
  const { db, clock } = deps;
  const now = clock.now();
  const meeting = await loadMeeting(deps, meetingId);
  if (!meeting) return "skipped";
  if (!meeting.meetCode && !meeting.teamsJoinUrl) return meeting.zoomMeetingId && meeting.evidenceSource === "conference" ? fetchZoomEvidence(meeting, deps, now) : "skipped";
  const connection = meeting.connection;
  if (connection.status !== "active" || (connection.backoffUntil && connection.backoffUntil > now)) return "skipped";
  const tokens = deps.tokensFor(connection);
  if (!tokens) return "skipped";
  const provider = deps.providers.calendar(connection, tokens);

  let readings: Reading[];
  try {
    readings = [await readConference(provider, meeting), ...(presenceMatters(meeting, now) ? [await readPresence(provider, meeting, deps, now)] : [])];
  } catch (error) {
    if (error instanceof ProviderError && (error.kind === "forbidden" || error.kind === "not_found")) {
      // The provider refuses to show this conference (a missing grant, a record it will not give
      // us): its silence means nothing, so the meeting is check-in only, said in words.
      await db.meeting.update({
        where: { id: meetingId },
        data: {
          evidenceSource: "check_in",
          liveSignal: false,
          evidenceSourceReason: "We're not allowed to see who joins this call, so tap I'm here when you arrive.",
          evidenceCheckedAt: now,
          evidenceNote: `The provider refused to show who joined: ${errorMessage(error)}`,
          nextCheckAt: now,
        },
      });
      return "unavailable";
    }
    if (error instanceof ProviderError && error.kind === "rate_limited") {
      await db.connection.update({ where: { id: connection.id }, data: { backoffUntil: new Date(now.getTime() + (error.retryAfterMs ?? 60_000)) } });
    }
    await db.meeting.update({ where: { id: meetingId }, data: { evidenceCheckedAt: now, evidenceNote: `Could not read attendance: ${errorMessage(error)}` } });
    throw error;
  }
  const rows = readings.flatMap((reading) => reading.rows);
  const note = rows.length > 0 ? null : (readings.map((reading) => reading.unavailable).find((reason) => reason !== null) ?? null);
  await db.$transaction([
    db.evidence.createMany({ data: rows, skipDuplicates: true }),
    // New evidence can change the decision: the meeting is due again (the caller decides it at once).
    db.meeting.update({ where: { id: meetingId }, data: { evidenceCheckedAt: now, evidenceNote: note, ...(rows.length > 0 ? { nextCheckAt: now } : {}) } }),
  ]);
  if (rows.length > 0) return "recorded";
  return readings.every((reading) => reading.unavailable !== null) ? "unavailable" : "none_yet";
}

/**
 * A Zoom meeting the user hosts: its past-participant list once it has ended (the webhooks were
 * the live signal). Throttling is thrown for the task to retry after Zoom's Retry-After; it never
 * backs off the calendar connection, which is not the one Zoom throttled.
 */
async function fetchZoomEvidence(meeting: MeetingRow, deps: SyncDependencies, now: Date): Promise<EvidenceOutcome> {
  if (!deps.zoom || !meeting.zoomMeetingId) return "skipped";
  let attendance;
  try {
    attendance = await zoomAttendance(deps.zoom, { userId: meeting.userId, zoomMeetingId: meeting.zoomMeetingId, zoomMeetingUuid: meeting.zoomMeetingUuid, end: meeting.end }, now);
  } catch (error) {
    await deps.db.meeting.update({ where: { id: meeting.id }, data: { evidenceCheckedAt: now, evidenceNote: `Could not read Zoom's participant list: ${errorMessage(error)}` } });
    throw error;
  }
  const rows: EvidenceRow[] = !attendance.available
    ? []
    : [
        ...(attendance.selfJoinedAt ? [{ meetingId: meeting.id, kind: "conference_joined" as const, sourceKey: "zoom", observedAt: attendance.selfJoinedAt }] : []),
        ...(attendance.othersJoinedAt && !attendance.selfJoinedAt ? [{ meetingId: meeting.id, kind: "others_joined" as const, sourceKey: "zoom", observedAt: attendance.othersJoinedAt }] : []),
      ];
  const created = await deps.db.$transaction(async (tx) => {
    const stored = await tx.evidence.createMany({ data: rows, skipDuplicates: true });
    await tx.meeting.update({ where: { id: meeting.id }, data: { evidenceCheckedAt: now, evidenceNote: attendance.available ? null : attendance.reason, ...(stored.count > 0 ? { nextCheckAt: now } : {}) } });
    return stored.count;
  });
  if (created > 0 || rows.length > 0) return "recorded";
  return attendance.available ? "none_yet" : "unavailable";
}

async function readConference(provider: CalendarProvider, meeting: MeetingRow): Promise<Reading> {
  const attendance = await provider.attendance({
    providerEventId: meeting.providerEventId,
    meetCode: meeting.meetCode,
    teamsJoinUrl: meeting.teamsJoinUrl,
    onlineMeetingId: meeting.onlineMeetingId,
    start: meeting.start,
    end: meeting.end,
    isOrganizer: meeting.isOrganizer,
  });
  if (!attendance.available) return { rows: [], unavailable: attendance.reason };
  const id = meeting.id;
  return {
    rows: [
      ...(attendance.selfJoinedAt ? [{ meetingId: id, kind: "conference_joined" as const, sourceKey: "conference", observedAt: attendance.selfJoinedAt }] : []),
      ...(attendance.othersJoinedAt && !attendance.selfJoinedAt ? [{ meetingId: id, kind: "others_joined" as const, sourceKey: "conference", observedAt: attendance.othersJoinedAt }] : []),
    ],
    unavailable: null,
  };
}

/** Presence says something about a Teams meeting only while it runs, and only where it can be read. */
function presenceMatters(meeting: MeetingRow, now: Date): boolean {
  return Boolean(meeting.teamsJoinUrl) && meeting.connection.presenceStatus !== "unavailable" && meeting.start.getTime() <= now.getTime() && now.getTime() < meeting.end.getTime();
}

async function readPresence(provider: CalendarProvider, meeting: MeetingRow, deps: SyncDependencies, now: Date): Promise<Reading> {
  const reading = await provider.presence();
  if (!reading.available) {
    await recordPresenceStatus(deps, meeting.connection, { available: false, reason: reading.reason }, now);
    return { rows: [], unavailable: `Teams presence is not available: ${reading.reason}` };
  }
  if (meeting.connection.presenceStatus !== "available") await recordPresenceStatus(deps, meeting.connection, { available: true }, now);
  // Looked while it ran: from now on, no call seen means something (signalSeesAbsence).
  await deps.db.meeting.update({ where: { id: meeting.id }, data: { liveReadAt: now } });
  if (!inACall(reading.activity)) return { rows: [], unavailable: null };
  // One observation per reading minute: a later reading is more evidence, not a duplicate row.
  const minute = Math.floor(reading.readAt.getTime() / 60_000);
  return { rows: [{ meetingId: meeting.id, kind: "presence_in_call", sourceKey: `presence:${minute}`, observedAt: reading.readAt }], unavailable: null };
}
