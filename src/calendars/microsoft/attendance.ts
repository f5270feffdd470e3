import { z } from "zod";
import type { Attendance, AttendanceQuery, Participant } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import { segment, type MicrosoftContext } from "./context.js";
import { parseInstant } from "./graph-time.js";

const ORGANISER_ONLY = "only the organiser can read Teams attendance reports";
/** A report belongs to this meeting when its session overlaps the scheduled time, give or take this much. */
const SESSION_SLACK_MS = 60 * 60_000;

const meetingsSchema = z.object({ value: z.array(z.object({ id: z.string() })) });
const reportsSchema = z.object({
  value: z.array(z.object({ id: z.string(), meetingStartDateTime: z.string().nullish(), meetingEndDateTime: z.string().nullish() })),
});
const recordsSchema = z.object({
  value: z.array(
    z.object({
      emailAddress: z.string().nullish(),
      identity: z.object({ id: z.string().nullish(), displayName: z.string().nullish() }).nullish(),
      attendanceIntervals: z.array(z.object({ joinDateTime: z.string().nullish(), leaveDateTime: z.string().nullish() })).nullish(),
    }),
  ),
  "@odata.nextLink": z.string().optional(),
});
type AttendanceRecord = z.infer<typeof recordsSchema>["value"][number];

/**
 * Teams attendance: find the online meeting by its join URL (`/me/onlineMeetings?$filter=JoinWebUrl
 * eq '…'`), then its attendanceReports and their attendanceRecords. Graph lets only the organiser read
 * these (onlineMeeting artifacts), so a non-organiser, a 403 or a 404 is "not available", with why.
 */
export async function attendance(ctx: MicrosoftContext, query: AttendanceQuery): Promise<Attendance> {
  if (!query.teamsJoinUrl) return { available: false, reason: "not a Teams meeting: the event has no Teams join URL" };
  if (!query.isOrganizer) return { available: false, reason: ORGANISER_ONLY };
  try {
    return await readAttendance(ctx, query, query.teamsJoinUrl);
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "forbidden") return { available: false, reason: `${ORGANISER_ONLY} (Graph refused: ${error.message})` };
    if (error instanceof ProviderError && error.kind === "not_found") return { available: false, reason: "the Teams meeting or its attendance report was not found" };
    throw error;
  }
}

async function readAttendance(ctx: MicrosoftContext, query: AttendanceQuery, joinUrl: string): Promise<Attendance> {
  // OData string literals escape a quote by doubling it; the whole expression is URL-encoded because join URLs hold ?, & and %.
  const filter = encodeURIComponent(`JoinWebUrl eq '${joinUrl.replace(/'/g, "''")}'`);
  const meetings = await ctx.graph.json({ operation: "find online meeting", method: "GET", path: `/me/onlineMeetings?$filter=${filter}` }, meetingsSchema);
  const meeting = meetings.value[0];
  if (!meeting) return { available: false, reason: "no Teams meeting with this join URL is organised by the user" };
  const base = `/me/onlineMeetings/${segment(meeting.id)}/attendanceReports`;
  const reports = await ctx.graph.json({ operation: "list attendance reports", method: "GET", path: base }, reportsSchema);
  const sessions = reports.value.filter((report) => overlapsMeeting(report, query));
  if (sessions.length === 0) return { available: false, reason: "no attendance report for this meeting yet (Teams publishes it after the meeting ends)" };
  const records: AttendanceRecord[] = [];
  for (const report of sessions) records.push(...(await listRecords(ctx, `${base}/${segment(report.id)}/attendanceRecords`)));
  const participants = records.flatMap(toParticipant);
  const isSelf = (participant: Participant): boolean =>
    participant.accountId === ctx.account.accountId || (participant.email ?? "").toLowerCase() === ctx.account.accountEmail.toLowerCase();
  return {
    available: true,
    selfJoinedAt: earliest(participants.filter(isSelf)),
    othersJoinedAt: earliest(participants.filter((participant) => !isSelf(participant))),
    // Teams publishes attendance reports only after the meeting ends: they never say who is in it now.
    selfInCallNow: false,
    othersInCallNow: false,
    participants,
  };
}

async function listRecords(ctx: MicrosoftContext, firstPage: string): Promise<AttendanceRecord[]> {
  const records: AttendanceRecord[] = [];
  let path: string | undefined = firstPage;
  while (path) {
    const page: z.infer<typeof recordsSchema> = await ctx.graph.json({ operation: "list attendance records", method: "GET", path }, recordsSchema);
    records.push(...page.value);
    path = page["@odata.nextLink"];
  }
  return records;
}

function overlapsMeeting(report: z.infer<typeof reportsSchema>["value"][number], query: AttendanceQuery): boolean {
  const start = parseInstant(report.meetingStartDateTime);
  const end = parseInstant(report.meetingEndDateTime) ?? start;
  if (!start || !end) return true;
  return start.getTime() < query.end.getTime() + SESSION_SLACK_MS && end.getTime() > query.start.getTime() - SESSION_SLACK_MS;
}

/** One participant per record: first join and last leave across its intervals (rejoins are intervals). */
function toParticipant(record: AttendanceRecord): Participant[] {
  const joins = (record.attendanceIntervals ?? []).map((interval) => parseInstant(interval.joinDateTime)).filter((at): at is Date => at !== null);
  const leaves = (record.attendanceIntervals ?? []).map((interval) => parseInstant(interval.leaveDateTime)).filter((at): at is Date => at !== null);
  const joinedAt = joins.sort((a, b) => a.getTime() - b.getTime())[0];
  if (!joinedAt) return [];
  const leftAt = leaves.sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  return [{ accountId: record.identity?.id || null, email: record.emailAddress || null, displayName: record.identity?.displayName || null, joinedAt, leftAt }];
}

function earliest(participants: Participant[]): Date | null {
  return participants.reduce<Date | null>((first, participant) => (!first || participant.joinedAt < first ? participant.joinedAt : first), null);
}
