import type { Database } from "../../platform/index.js";
import type { Clock } from "../../platform/index.js";
import { notWatchedReason } from "../../calendars/index.js";
import type { MeetingView } from "./meeting-view-schema.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Read side of meetings for the API and the dashboard: always scoped to one user. */
export class MeetingQueries {
  constructor(private readonly deps: { db: Database; clock: Clock }) {}

  async list(userId: string, query: { from?: string | undefined; to?: string | undefined; watched?: boolean | undefined; limit: number }): Promise<MeetingView[]> {
    const now = this.deps.clock.now();
    const startOfYesterday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - DAY_MS);
    const from = query.from ? new Date(query.from) : startOfYesterday;
    const to = query.to ? new Date(query.to) : new Date(now.getTime() + 14 * DAY_MS);
    const rows = await this.deps.db.meeting.findMany({
      where: {
        userId,
        deletedAt: null,
        isBuffer: false,
        start: { lt: to },
        end: { gt: from },
        ...(query.watched === undefined ? {} : { watched: query.watched }),
      },
      include: {
        attendees: { orderBy: { email: "asc" } },
        connection: { select: { provider: true } },
        // The user's own word (a check-in, "I was there"): the dashboard shows it at once, even before the start.
        evidence: { where: { kind: { in: ["checked_in", "marked_attended"] } }, select: { observedAt: true }, orderBy: { observedAt: "asc" }, take: 1 },
      },
      orderBy: [{ start: "asc" }, { id: "asc" }],
      take: query.limit,
    });
    return rows.map((row) => ({
      id: row.id,
      provider: row.connection.provider,
      providerEventId: row.providerEventId,
      connectionId: row.connectionId,
      iCalUid: row.iCalUid,
      seriesId: row.seriesId,
      title: row.title,
      start: row.start.toISOString(),
      end: row.end.toISOString(),
      timeZone: row.timeZone,
      isAllDay: row.isAllDay,
      organizer: row.organizerEmail ? { email: row.organizerEmail, name: row.organizerName } : null,
      isOrganizer: row.isOrganizer,
      attendees: row.attendees.map((a) => ({ email: a.email, name: a.name, response: a.response, isSelf: a.isSelf, isOrganizer: a.isOrganizer })),
      selfResponse: row.selfResponse,
      cancelled: row.isCancelled,
      free: row.isFree,
      conference: { meetCode: row.meetCode, teamsJoinUrl: row.teamsJoinUrl, url: row.conferenceUrl, zoomMeetingId: row.zoomMeetingId },
      watched: row.watched,
      notWatchedReason: row.watched
        ? null
        : notWatchedReason({
            isCancelled: row.isCancelled,
            isAllDay: row.isAllDay,
            isFree: row.isFree,
            isBuffer: row.isBuffer,
            selfResponse: row.selfResponse,
            attendees: row.attendees,
            organizer: row.organizerEmail ? { email: row.organizerEmail } : null,
            isOrganizer: row.isOrganizer,
          }),
      evidenceSource: row.evidenceSource,
      evidenceSourceReason: row.evidenceSourceReason,
      liveSignal: row.liveSignal,
      evidenceNote: row.evidenceNote,
      // A meeting watched once keeps its state (e.g. "excused" after it was cancelled).
      state: row.state,
      checkedInAt: row.evidence[0]?.observedAt.toISOString() ?? null,
    }));
  }
}
