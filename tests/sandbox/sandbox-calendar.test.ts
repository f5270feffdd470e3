import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxCalendar } from "../../src/calendars/sandbox/calendar.js";
import { SANDBOX_CALENDAR_ID } from "../../src/calendars/sandbox/event-mapping.js";
import { sandboxEventRow, writeSandboxCalendar, type SandboxEventInput } from "../../src/calendars/sandbox/store.js";
import { ProviderError } from "../../src/calendars/provider-error.js";
import type { CalendarProvider, EventChange } from "../../src/calendars/provider.js";
import { createPrismaClient, type Database } from "../../src/platform/db/client.js";
import { FixedClock } from "../../src/platform/clock.js";
import { MISSED_CLIENT, sampleEvents } from "../../src/calendars/sandbox/samples.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const window = (now: Date) => ({ start: new Date(now.getTime() - 48 * HOUR), end: new Date(now.getTime() + 14 * 24 * HOUR) });
const titles = (changes: EventChange[]) => changes.map((c) => (c.kind === "upsert" ? c.event.title : `removed:${c.providerEventId}`));

describe("the sandbox calendar provider", () => {
  const clock = new FixedClock(new Date("2026-11-10T17:00:00Z"));
  let database: TestDatabase;
  let db: Database;
  let calendar: CalendarProvider;
  let connectionId: string;

  const event = (overrides: Partial<SandboxEventInput>): SandboxEventInput => ({
    sampleKey: "test",
    title: "Call with Dana",
    description: null,
    location: null,
    start: new Date(clock.now().getTime() + HOUR),
    end: new Date(clock.now().getTime() + 2 * HOUR),
    timeZone: "Europe/Berlin",
    attendees: [{ email: "dana@client.example", name: "Dana", response: "accepted", isOrganizer: true }],
    selfResponse: "accepted",
    isFree: false,
    marker: null,
    conferenceCode: "sbx-test",
    selfJoinedAt: null,
    othersJoinedAt: null,
    ...overrides,
  });
  const insert = (input: SandboxEventInput) =>
    writeSandboxCalendar(db, connectionId, (tx, version) => tx.sandboxEvent.create({ data: sandboxEventRow(connectionId, version, input, clock.now()) }));

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createPrismaClient(database.url);
    const user = await db.user.create({ data: { email: "alex@sandbox.example", name: "Alex", settings: { create: { timeZone: "Europe/Berlin" } } } });
    const connection = await db.connection.create({ data: { userId: user.id, provider: "sandbox", accountId: "sandbox-test", accountEmail: user.email, scopes: [] } });
    connectionId = connection.id;
    calendar = createSandboxCalendar({ db, clock, account: { id: connection.id, provider: "sandbox", accountId: "sandbox-test", accountEmail: user.email } });
  }, 60_000);

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("lists one primary calendar in the user's zone", async () => {
    expect(await calendar.listCalendars()).toEqual([{ providerCalendarId: SANDBOX_CALENDAR_ID, name: "Sandbox (sample calendar)", isPrimary: true, timeZone: "Europe/Berlin" }]);
  });

  it("syncs like a real calendar: a full round of the window, then only what changed (created, moved, deleted)", async () => {
    await insert(event({ title: "Inside the window" }));
    await insert(event({ title: "Far ahead", start: new Date(clock.now().getTime() + 30 * 24 * HOUR), end: new Date(clock.now().getTime() + 30 * 24 * HOUR + HOUR) }));
    const full = await calendar.syncEvents({ providerCalendarId: SANDBOX_CALENDAR_ID, cursor: null, window: window(clock.now()) });
    expect(full.full).toBe(true);
    expect(titles(full.changes)).toEqual(["Inside the window"]);
    const listed = full.changes[0]!;
    expect(listed.kind === "upsert" && listed.event).toMatchObject({
      organizer: { email: "dana@client.example" },
      isOrganizer: false,
      selfResponse: "accepted",
      conference: { meetCode: "sbx-test", url: "https://conference.sandbox.example/sbx-test" },
      attendees: [expect.objectContaining({ email: "alex@sandbox.example", isSelf: true }), expect.objectContaining({ email: "dana@client.example", isOrganizer: true })],
    });

    const quiet = await calendar.syncEvents({ providerCalendarId: SANDBOX_CALENDAR_ID, cursor: full.nextCursor, window: window(clock.now()) });
    expect(quiet).toMatchObject({ changes: [], full: false, nextCursor: full.nextCursor });

    const buffer = await calendar.createEvent(SANDBOX_CALENDAR_ID, { title: "Buffer", description: "", start: new Date(clock.now().getTime() + 20 * MINUTE), end: new Date(clock.now().getTime() + HOUR), timeZone: "Europe/Berlin", marker: "case-1" });
    const created = await calendar.syncEvents({ providerCalendarId: SANDBOX_CALENDAR_ID, cursor: quiet.nextCursor, window: window(clock.now()) });
    expect(created.changes).toEqual([{ kind: "upsert", event: expect.objectContaining({ providerEventId: buffer.providerEventId, isBuffer: true, attendees: [] }) }]);

    const later = { start: new Date(clock.now().getTime() + 2 * HOUR), end: new Date(clock.now().getTime() + 3 * HOUR) };
    await calendar.moveEvent(SANDBOX_CALENDAR_ID, buffer.providerEventId, later);
    const moved = await calendar.syncEvents({ providerCalendarId: SANDBOX_CALENDAR_ID, cursor: created.nextCursor, window: window(clock.now()) });
    expect(moved.changes).toEqual([{ kind: "upsert", event: expect.objectContaining({ providerEventId: buffer.providerEventId, start: later.start, end: later.end }) }]);

    await calendar.deleteEvent(SANDBOX_CALENDAR_ID, buffer.providerEventId);
    await calendar.deleteEvent(SANDBOX_CALENDAR_ID, buffer.providerEventId);
    const deleted = await calendar.syncEvents({ providerCalendarId: SANDBOX_CALENDAR_ID, cursor: moved.nextCursor, window: window(clock.now()) });
    expect(deleted.changes).toEqual([{ kind: "removed", providerEventId: buffer.providerEventId }]);
    await expect(calendar.moveEvent(SANDBOX_CALENDAR_ID, buffer.providerEventId, later)).rejects.toMatchObject({ kind: "not_found" });
    // A full round no longer lists it.
    const again = await calendar.syncEvents({ providerCalendarId: SANDBOX_CALENDAR_ID, cursor: null, window: window(clock.now()) });
    expect(titles(again.changes)).toEqual(["Inside the window"]);
  });

  it("answers a cursor it did not make with cursor_expired, so the sync lists the window again", async () => {
    const error = await calendar.syncEvents({ providerCalendarId: SANDBOX_CALENDAR_ID, cursor: "CAESBgiA", window: window(clock.now()) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "cursor_expired" });
  });

  it("writers racing on one calendar get distinct versions in commit order", async () => {
    const before = await db.sandboxEvent.aggregate({ where: { connectionId }, _max: { version: true } });
    await Promise.all(Array.from({ length: 8 }, (_, i) => insert(event({ title: `Racer ${i}`, sampleKey: null }))));
    const versions = (await db.sandboxEvent.findMany({ where: { connectionId, title: { startsWith: "Racer" } }, select: { version: true } })).map((row) => row.version);
    expect(new Set(versions).size).toBe(8);
    expect(Math.min(...versions)).toBe((before._max.version ?? 0) + 1);
  });

  it("reports conference attendance only once the clock has passed it", async () => {
    const start = new Date(clock.now().getTime() - 10 * MINUTE);
    const row = await insert(event({ title: "Joined", start, end: new Date(start.getTime() + HOUR), selfJoinedAt: new Date(start.getTime() + 2 * MINUTE), othersJoinedAt: start }));
    const query = { providerEventId: row.id, meetCode: "sbx-test", teamsJoinUrl: null, onlineMeetingId: null, start, end: new Date(start.getTime() + HOUR), isOrganizer: false };
    expect(await calendar.attendance(query)).toMatchObject({ available: true, selfJoinedAt: new Date(start.getTime() + 2 * MINUTE), othersJoinedAt: start });

    const future = await insert(event({ title: "Later", selfJoinedAt: new Date(clock.now().getTime() + HOUR + MINUTE) }));
    expect(await calendar.attendance({ ...query, providerEventId: future.id })).toMatchObject({ available: false });
    const noConference = await insert(event({ title: "Phone call", conferenceCode: null }));
    expect(await calendar.attendance({ ...query, providerEventId: noConference.id })).toEqual({ available: false, reason: "This sandbox event has no conference" });
  });

  it("says who is in a running sandbox conference: joined, and the scheduled end not yet reached", async () => {
    const start = new Date(clock.now().getTime() - 10 * MINUTE);
    const end = new Date(start.getTime() + HOUR);
    const query = { meetCode: "sbx-test", teamsJoinUrl: null, onlineMeetingId: null, start, end, isOrganizer: false };
    const both = await insert(event({ title: "Running, both in", start, end, selfJoinedAt: new Date(start.getTime() + 2 * MINUTE), othersJoinedAt: start }));
    expect(await calendar.attendance({ ...query, providerEventId: both.id })).toMatchObject({ available: true, selfInCallNow: true, othersInCallNow: true });
    const othersOnly = await insert(event({ title: "Running, only them", start, end, othersJoinedAt: start }));
    expect(await calendar.attendance({ ...query, providerEventId: othersOnly.id })).toMatchObject({ available: true, selfInCallNow: false, othersInCallNow: true });
    const over = await insert(event({ title: "Over", start: new Date(start.getTime() - 2 * HOUR), end: new Date(start.getTime() - HOUR), selfJoinedAt: new Date(start.getTime() - 2 * HOUR), othersJoinedAt: new Date(start.getTime() - 2 * HOUR) }));
    expect(await calendar.attendance({ ...query, providerEventId: over.id })).toMatchObject({ available: true, selfInCallNow: false, othersInCallNow: false });
  });

  it("has no presence and no zone of its own (the browser gives the zone)", async () => {
    expect(await calendar.presence()).toEqual({ available: false, reason: expect.stringContaining("no presence") });
    expect(await calendar.timeZone()).toBeNull();
  });

  it("free/busy leaves out declined and free events", async () => {
    const day = new Date("2026-11-20T08:00:00Z");
    await insert(event({ title: "Busy", start: day, end: new Date(day.getTime() + HOUR) }));
    await insert(event({ title: "Declined", start: new Date(day.getTime() + 2 * HOUR), end: new Date(day.getTime() + 3 * HOUR), selfResponse: "declined" }));
    await insert(event({ title: "Free", start: new Date(day.getTime() + 4 * HOUR), end: new Date(day.getTime() + 5 * HOUR), isFree: true }));
    expect(await calendar.busyTimes({ start: day, end: new Date(day.getTime() + 6 * HOUR) })).toEqual([{ start: day, end: new Date(day.getTime() + HOUR) }]);
  });
});

describe("the sample meetings", () => {
  it("sit relative to now in the user's zone: late now, missed and attended earlier, upcoming later, one declined", () => {
    const now = new Date("2026-03-29T10:07:00Z"); // 12:07 in Berlin, the day summer time began
    const list = sampleEvents(now, "Europe/Berlin");
    const samples: Record<string, SandboxEventInput> = Object.fromEntries(list.map((sample) => [sample.sampleKey, sample]));
    expect(now.getTime() - samples["late"]!.start.getTime()).toBe(8 * MINUTE);
    expect(samples["late"]!.end.getTime()).toBeGreaterThan(now.getTime());
    expect(samples["late"]!.selfJoinedAt).toBeNull();
    // Ended before now, past the default ten-minute settle window; the others joined.
    expect(samples["missed"]!.end.getTime()).toBeLessThan(now.getTime() - 10 * MINUTE);
    expect(samples["missed"]!).toMatchObject({ selfJoinedAt: null, othersJoinedAt: expect.any(Date) });
    expect(samples["missed"]!.description).toContain(MISSED_CLIENT.phone);
    expect(samples["attended"]!.selfJoinedAt!.getTime()).toBeLessThan(samples["attended"]!.end.getTime());
    expect(samples["later-today"]!.start.getTime()).toBeGreaterThan(now.getTime());
    expect(samples["declined"]!.selfResponse).toBe("declined");
    // Tomorrow at 13:00 Berlin (summer time: 11:00 UTC).
    expect(samples["tomorrow"]!.start.toISOString()).toBe("2026-03-30T11:00:00.000Z");
    for (const sample of list) {
      expect(sample.attendees.length).toBeGreaterThan(0);
      for (const person of sample.attendees) expect(person.email).toMatch(/@[a-z-]+\.example$/);
    }
  });
});
