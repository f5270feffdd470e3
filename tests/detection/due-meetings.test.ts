import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CalendarEvent } from "../../src/calendars/provider.js";
import { detectionHooks, detectMeetings } from "../../src/detection/detect-meetings.js";
import { decide, DEFAULT_DETECTION_SETTINGS } from "../../src/detection/domain/index.js";
import { persistDecisions } from "../../src/detection/persist-decisions.js";
import { markUserMeetingsDue } from "../../src/calendars/sync/detection-wake-up.js";
import { systemClock } from "../../src/platform/clock.js";
import { loadConfig } from "../../src/platform/config.js";
import { parseKeyRing } from "../../src/platform/key-ring.js";
import { createServices, type Services } from "../../src/app/services.js";
import { storeChanges } from "../../src/calendars/sync/store-round.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";
import { seedUserWithMeetings } from "../support/seed.js";

const MINUTE = 60_000;

/**
 * A pass reads only meetings whose next check has come, and the wake-ups that drive it are
 * one per instant; a change stored while a meeting is being decided keeps it due.
 */
describe("detection reads only the meetings that are due", () => {
  let services: Services;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const keys = parseKeyRing(Buffer.alloc(32, 6).toString("base64"));
    if (!keys.ok) throw new Error(keys.problem);
    services = createServices(loadConfig({ PUBLIC_URL: "http://localhost:3998" }), { url: database.url, tokenKeys: keys.keyRing, stop: async () => {} }, systemClock, capturedLogger().log);
  });

  afterAll(async () => {
    await services?.close();
    await drop?.();
  });

  const nextCheckOf = async (id: string) => (await services.db.meeting.findUniqueOrThrow({ where: { id }, select: { nextCheckAt: true } })).nextCheckAt;
  const wakeUpsAfter = async (since: Date) =>
    (await services.db.task.findMany({ where: { kind: "detect_meeting", dueAt: { gte: since } }, orderBy: { dueAt: "asc" } }))
      .filter((task) => JSON.stringify(task.payload) === JSON.stringify({ due: true }))
      .map((task) => task.dueAt.getTime());

  it("decides each meeting at its own instants and wakes once per instant", async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 3 * 24 * 60 * MINUTE);
    const later = (minutes: number) => new Date(now.getTime() + minutes * MINUTE);
    const { meetingIds } = await seedUserWithMeetings(services.db, {
      meetings: [
        { title: "In ten minutes", start: later(10), end: later(40) },
        { title: "Also in ten minutes", start: later(10), end: later(40) },
        { title: "Started two minutes ago", start: later(-2), end: later(28) },
      ],
    });
    const [soon, alsoSoon, running] = meetingIds as [string, string, string];
    // As a sync stores them: due at once.
    await services.db.meeting.updateMany({ where: { id: { in: meetingIds } }, data: { nextCheckAt: now } });

    const first = await detectMeetings(services.detection, now);
    expect(first.examined).toBe(3);
    expect(await nextCheckOf(soon)).toEqual(later(10));
    expect(await nextCheckOf(alsoSoon)).toEqual(later(10));
    expect(await nextCheckOf(running)).toEqual(later(3)); // start + the default 5-minute grace
    // One wake-up per distinct instant ahead, not one per meeting.
    expect(await wakeUpsAfter(now)).toEqual([later(3).getTime()]);

    expect((await detectMeetings(services.detection, later(1))).examined).toBe(0);

    const graceOver = await detectMeetings(services.detection, later(3));
    expect(graceOver).toMatchObject({ examined: 1, transitions: 1, alerts: 1 });
    expect((await services.db.meeting.findUniqueOrThrow({ where: { id: running } })).state).toBe("late");
    expect(await nextCheckOf(running)).toEqual(later(38)); // end + the default 10-minute settle
    // Each pass queues the wake-up at the earliest next check ahead of it.
    expect(await wakeUpsAfter(now)).toEqual([later(3).getTime(), later(10).getTime()]);

    const started = await detectMeetings(services.detection, later(10));
    expect(started).toMatchObject({ examined: 2, transitions: 2, alerts: 0 });
    expect(await services.db.meeting.count({ where: { id: { in: [soon, alsoSoon] }, state: "in_progress" } })).toBe(2);
  });

  it("keeps a meeting due when a change was stored while it was being decided", async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 4 * 24 * 60 * MINUTE);
    const { userId, meetingIds } = await seedUserWithMeetings(services.db, { meetings: [{ title: "Moved meanwhile", start: new Date(now.getTime() + 30 * MINUTE), end: new Date(now.getTime() + 60 * MINUTE) }] });
    const id = meetingIds[0]!;
    await services.db.meeting.update({ where: { id }, data: { nextCheckAt: now } });
    const row = await services.db.meeting.findUniqueOrThrow({ where: { id } });
    const decision = decide({
      meeting: { id, start: row.start, end: row.end, state: row.state, watched: true, isCancelled: false, selfDeclined: false, source: "conference", liveSignal: true, liveSignalRead: true, watchedSince: null },
      evidence: [],
      settings: DEFAULT_DETECTION_SETTINGS,
      now,
    });
    // A sync stores a change after the read and before the decision is stored.
    const changedAt = new Date(now.getTime() + 1000);
    await services.db.meeting.update({ where: { id }, data: { nextCheckAt: changedAt } });

    const subjects = new Map([[id, { id, userId, title: row.title, location: null, start: row.start, end: row.end, timeZone: row.timeZone, userTimeZone: null }]]);
    await services.db.$transaction((tx) =>
      persistDecisions(tx, [{ meeting: { id, userId, state: row.state, nextCheckAt: row.nextCheckAt }, decision }], now, detectionHooks(services.detection, subjects, now)),
    );
    const stored = await services.db.meeting.findUniqueOrThrow({ where: { id } });
    expect(stored.state).toBe("upcoming");
    expect(stored.nextCheckAt).toEqual(changedAt);
  });

  it("a settings change can make a user's unsettled meetings due at once", async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 6 * 24 * 60 * MINUTE);
    const start = new Date(now.getTime() - 2 * MINUTE);
    const { userId, meetingIds } = await seedUserWithMeetings(services.db, { meetings: [{ title: "Grace shortened", start, end: new Date(start.getTime() + 30 * MINUTE) }] });
    const id = meetingIds[0]!;
    await detectMeetings(services.detection, now, { meetingIds: [id] });
    expect(await nextCheckOf(id)).toEqual(new Date(start.getTime() + 5 * MINUTE));

    // A setting detection does not decide on leaves the next check alone…
    await services.settings.update(userId, { bufferMinutes: 35 });
    expect(await nextCheckOf(id)).toEqual(new Date(start.getTime() + 5 * MINUTE));
    // …a shorter grace, stored through the settings service, makes the meeting due at once.
    await services.settings.update(userId, { lateGraceMinutes: 1 });
    expect((await nextCheckOf(id))!.getTime()).toBeLessThanOrEqual(now.getTime());
    await services.db.$transaction(async (tx) => expect(await markUserMeetingsDue(tx, userId, now)).toBe(1));
    expect(await nextCheckOf(id)).toEqual(now);
    expect(await wakeUpsAfter(now)).toContain(now.getTime());
    await detectMeetings(services.detection, now);
    expect((await services.db.meeting.findUniqueOrThrow({ where: { id } })).state).toBe("late");
    expect(await services.db.alert.count({ where: { meetingId: id, kind: "late" } })).toBe(1);
  });

  it("a sync makes a meeting due when what detection decides on changed, and only then", async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 5 * 24 * 60 * MINUTE);
    const { userId, meetingIds } = await seedUserWithMeetings(services.db, { meetings: [{ title: "Synced", start: new Date(now.getTime() + 30 * MINUTE), end: new Date(now.getTime() + 60 * MINUTE) }] });
    const id = meetingIds[0]!;
    const row = await services.db.meeting.findUniqueOrThrow({ where: { id } });
    await detectMeetings(services.detection, now, { meetingIds: [id] });
    expect(await nextCheckOf(id)).toEqual(row.start);

    const event: CalendarEvent = {
      providerEventId: row.providerEventId, iCalUid: null, seriesId: null, originalStart: null, title: "Synced, renamed", description: null, location: null,
      start: row.start, end: row.end, timeZone: row.timeZone, isAllDay: false, organizer: null, isOrganizer: false,
      attendees: [{ email: "client@else.example", name: "Client", response: "accepted", isSelf: false, isOrganizer: false, isOptional: false, isResource: false }],
      selfResponse: "accepted", isCancelled: false, isFree: false, isBuffer: false, conference: { meetCode: "abc-defg-hij", teamsJoinUrl: null, onlineMeetingId: null, url: null }, updatedAt: null,
    };
    const target = { userId, connectionId: row.connectionId, calendarId: row.calendarId, access: { meetAttendance: true, teamsReports: false, presence: "unknown" as const } };
    const syncedAt = new Date(now.getTime() + MINUTE);
    await services.db.$transaction((tx) => storeChanges(tx, target, [{ kind: "upsert", event }], syncedAt));
    expect(await nextCheckOf(id)).toEqual(row.start); // a new title decides nothing

    await services.db.$transaction((tx) => storeChanges(tx, target, [{ kind: "upsert", event: { ...event, isCancelled: true } }], syncedAt));
    expect(await nextCheckOf(id)).toEqual(syncedAt);
    expect((await detectMeetings(services.detection, syncedAt)).examined).toBeGreaterThanOrEqual(1);
    expect(await services.db.meeting.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "excused", nextCheckAt: null });

    // Meetings a sync sees for the first time go in placed: one ahead is upcoming until it
    // starts (no pass reads it before), one already under way is due for the detector now.
    const ahead = { ...event, providerEventId: "new-ahead", start: new Date(now.getTime() + 2 * 60 * MINUTE), end: new Date(now.getTime() + 3 * 60 * MINUTE) };
    const underWay = { ...event, providerEventId: "new-under-way", start: new Date(now.getTime() - 5 * MINUTE), end: new Date(now.getTime() + 25 * MINUTE) };
    const declined = { ...event, providerEventId: "new-declined", selfResponse: "declined" as const, start: ahead.start, end: ahead.end };
    await services.db.$transaction((tx) => storeChanges(tx, target, [ahead, underWay, declined].map((e) => ({ kind: "upsert" as const, event: e })), syncedAt));
    const stored = async (providerEventId: string) => services.db.meeting.findFirstOrThrow({ where: { calendarId: row.calendarId, providerEventId }, select: { state: true, nextCheckAt: true, stateChangedAt: true } });
    expect(await stored("new-ahead")).toEqual({ state: "upcoming", nextCheckAt: ahead.start, stateChangedAt: syncedAt });
    expect(await stored("new-under-way")).toEqual({ state: null, nextCheckAt: syncedAt, stateChangedAt: null });
    expect(await stored("new-declined")).toEqual({ state: null, nextCheckAt: syncedAt, stateChangedAt: null });
  });
});
