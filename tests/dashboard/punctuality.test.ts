import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Database } from "../../src/platform/db/client.js";
import { punctualityOf, type PunctualityReport } from "../../src/detection/meetings/punctuality.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { seedUserWithMeetings } from "../support/seed.js";

type State = "upcoming" | "in_progress" | "late" | "attended" | "suspected_missed" | "missed" | "excused";

/**
 * The punctuality figures from real rows: weeks and hours in the user's zone (New York), the
 * grace minutes from settings, arrival from conference joins and check-ins, and only the
 * user's own settled meetings counted.
 */
describe("punctuality over the last 12 weeks", () => {
  let database: TestDatabase;
  let db: Database;
  let report: PunctualityReport;
  // Friday 2026-11-20, 10:00 in New York.
  const now = new Date("2026-11-20T15:00:00Z");

  async function meeting(userId: string, meetingId: string, state: State, options: { arrived?: string; arrivedBy?: "conference_joined" | "checked_in" | "marked_attended"; seenLate?: boolean; buffer?: boolean; watched?: boolean } = {}) {
    await db.meeting.update({ where: { id: meetingId }, data: { state, isBuffer: options.buffer ?? false, watched: options.watched ?? true } });
    if (options.arrived) await db.evidence.create({ data: { meetingId, kind: options.arrivedBy ?? "conference_joined", sourceKey: "test", observedAt: new Date(options.arrived) } });
    if (options.seenLate) await db.stateTransition.create({ data: { meetingId, fromState: "in_progress", toState: "late", reason: "test", at: now } });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createPrismaClient(database.url);
    const slot = (start: string, minutes = 30) => ({ title: start, start: new Date(start), end: new Date(new Date(start).getTime() + minutes * 60_000) });
    const { userId, meetingIds: [onTime, lateByCheckIn, missed, lateSeenOnly, lateByJoin, sundayNight, unanswered, excused, unwatched, buffer, tooOld, marked, upcoming] } = await seedUserWithMeetings(db, {
      timeZone: "America/New_York",
      meetings: [
        slot("2026-11-17T14:00:00Z"), // Tue 09:00
        slot("2026-11-16T14:30:00Z"), // Mon 09:30
        slot("2026-11-18T19:00:00Z"), // Wed 14:00
        slot("2026-11-12T14:00:00Z"), // Thu 09:00, previous week
        slot("2026-11-13T21:00:00Z", 60), // Fri 16:00, previous week
        slot("2026-11-16T04:30:00Z"), // Sun 2026-11-15 23:30 in New York: the previous week, though Monday in UTC
        slot("2026-11-19T14:00:00Z"),
        slot("2026-11-19T15:00:00Z"),
        slot("2026-11-19T16:00:00Z"),
        slot("2026-11-19T17:00:00Z"),
        slot("2026-08-20T14:00:00Z"), // 13 weeks ago
        slot("2026-11-19T18:00:00Z"), // Thu 13:00
        slot("2026-11-20T16:00:00Z"), // later today
      ],
    });
    await meeting(userId, onTime!, "attended", { arrived: "2026-11-17T14:02:00Z" });
    await meeting(userId, lateByCheckIn!, "attended", { arrived: "2026-11-16T14:42:00Z", arrivedBy: "checked_in", seenLate: true });
    await meeting(userId, missed!, "missed", { seenLate: true });
    await meeting(userId, lateSeenOnly!, "attended", { seenLate: true, arrived: "2026-11-12T15:00:00Z", arrivedBy: "marked_attended" });
    await meeting(userId, lateByJoin!, "attended", { arrived: "2026-11-13T21:20:00Z" });
    await meeting(userId, sundayNight!, "missed");
    await meeting(userId, unanswered!, "suspected_missed");
    await meeting(userId, excused!, "excused");
    await meeting(userId, unwatched!, "attended", { watched: false });
    await meeting(userId, buffer!, "attended", { buffer: true });
    await meeting(userId, tooOld!, "missed");
    // Joined within the grace (3 minutes of 5) although detection had briefly called it late.
    await meeting(userId, marked!, "attended", { arrived: "2026-11-19T18:03:00Z", seenLate: true });
    await meeting(userId, upcoming!, "upcoming");

    const other = await seedUserWithMeetings(db, { timeZone: "America/New_York", meetings: [slot("2026-11-17T14:00:00Z")] });
    await meeting(other.userId, other.meetingIds[0]!, "missed");

    report = await punctualityOf(db, userId, now);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("counts each week's on-time, late and missed meetings, Monday to Sunday in the user's zone", () => {
    expect(report.timeZone).toBe("America/New_York");
    expect(report.weeks).toHaveLength(12);
    expect(report.weeks[0]!.weekStart).toBe("2026-08-31");
    expect(report.weeks.at(-1)).toEqual({ weekStart: "2026-11-16", onTime: 2, late: 1, missed: 1 });
    expect(report.weeks.at(-2)).toEqual({ weekStart: "2026-11-09", onTime: 0, late: 2, missed: 1 });
    expect(report.weeks.slice(0, -2).every((week) => week.onTime + week.late + week.missed === 0)).toBe(true);
    expect(report.totals).toEqual({ onTime: 2, late: 3, missed: 2 });
  });

  it("averages the minutes late over late meetings whose arrival is known (12 and 20), and says over how many", () => {
    expect(report.averageMinutesLate).toBe(16);
    // Three late, two with a known arrival: the page says "over 2 of 3" rather than a bare figure.
    expect(report.lateMeasured).toBe(2);
  });

  it("shows which hours of the day go wrong, by the local starting hour", () => {
    expect(report.hours).toHaveLength(24);
    const used = report.hours.filter((hour) => hour.meetings > 0);
    expect(used).toEqual([
      { hour: 9, meetings: 3, late: 2, missed: 0 },
      { hour: 13, meetings: 1, late: 0, missed: 0 },
      { hour: 14, meetings: 1, late: 0, missed: 1 },
      { hour: 16, meetings: 1, late: 1, missed: 0 },
      { hour: 23, meetings: 1, late: 0, missed: 1 },
    ]);
  });

  it("a user with nothing settled gets twelve empty weeks and no average", async () => {
    const { userId } = await seedUserWithMeetings(db, { timeZone: "Asia/Tokyo", meetings: [] });
    const empty = await punctualityOf(db, userId, now);
    expect(empty.weeks).toHaveLength(12);
    // Saturday 2026-11-21 00:00 in Tokyo: the week began on Monday the 16th there.
    expect(empty.weeks.at(-1)!.weekStart).toBe("2026-11-16");
    expect(empty.totals).toEqual({ onTime: 0, late: 0, missed: 0 });
    expect(empty.averageMinutesLate).toBeNull();
    expect(empty.lateMeasured).toBe(0);
  });
});
