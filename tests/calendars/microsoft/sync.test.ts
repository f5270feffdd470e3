import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CalendarEvent, CalendarProvider, EventChange, SyncRequest } from "../../../src/calendars/provider.js";
import { DELTA_PAGE_SIZE } from "../../../src/calendars/microsoft/context.js";
import { startEmulator, type Emulator } from "../../emulator/server.js";
import { connectCalendar } from "./support/connect.js";

const window = { start: new Date("2025-03-15T00:00:00Z"), end: new Date("2025-04-20T00:00:00Z") };
const upserts = (changes: EventChange[]): CalendarEvent[] => changes.flatMap((change) => (change.kind === "upsert" ? [change.event] : []));

describe("Microsoft calendar sync (calendarView delta) against the emulator", () => {
  let emulator: Emulator;
  let calendar: CalendarProvider;
  let primary = "";
  const owner = "ines@contoso.example";
  const full = (): SyncRequest => ({ providerCalendarId: primary, cursor: null, window });

  beforeAll(async () => {
    emulator = await startEmulator();
    ({ calendar } = await connectCalendar(emulator, emulator.url, owner));
    primary = emulator.control.graphCalendars(owner).find((c) => c.isDefault)?.id ?? "";
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("lists both calendars, with only the default one as primary", async () => {
    const calendars = await calendar.listCalendars();
    expect(calendars).toHaveLength(2);
    expect(calendars.filter((c) => c.isPrimary)).toEqual([expect.objectContaining({ providerCalendarId: primary, name: "Calendar" })]);
  });

  it("syncs a non-default calendar through /me/calendars/{id}/calendarView/delta", async () => {
    const other = emulator.control.graphCalendars(owner).find((c) => !c.isDefault)!;
    emulator.control.clearRequests();
    const round = await calendar.syncEvents({ ...full(), providerCalendarId: other.id });
    expect(round.changes).toEqual([]);
    expect(round.nextCursor).toContain(`/me/calendars/${encodeURIComponent(other.id)}/calendarView/delta?$deltatoken=`);
    expect(emulator.control.requests({ method: "GET", pathPrefix: "/v1.0/me/calendars/" })).toHaveLength(1);
  });

  it("follows every nextLink to the deltaLink, then reports moves, cancellations and deletions incrementally", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      ids.push(emulator.control.createEvent(owner, {
        summary: `Review ${index}`, start: `2025-03-2${index}T10:00:00Z`, end: `2025-03-2${index}T10:30:00Z`,
        attendees: [{ email: "client@fabrikam.example", response: "accepted" }, { email: owner, response: "accepted" }, { email: "room@contoso.example", response: "accepted" }],
        teams: index === 0,
      }, "microsoft").id);
    }
    const first = await calendar.syncEvents(full());
    expect(first.full).toBe(true);
    expect(first.nextCursor).toContain("$deltatoken=");
    const events = upserts(first.changes);
    expect(events.map((e) => e.providerEventId).sort()).toEqual([...ids].sort());
    const review = events.find((e) => e.providerEventId === ids[0])!;
    expect(review).toMatchObject({
      title: "Review 0", isOrganizer: true, selfResponse: "accepted", isCancelled: false, isFree: false, isBuffer: false, isAllDay: false, timeZone: "UTC",
      start: new Date("2025-03-20T10:00:00Z"), end: new Date("2025-03-20T10:30:00Z"), organizer: { email: owner },
    });
    expect(review.conference.teamsJoinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    expect(review.attendees.find((a) => a.email === "client@fabrikam.example")).toMatchObject({ isSelf: false, response: "accepted" });
    expect(review.attendees.find((a) => a.email === owner)).toMatchObject({ isSelf: true });

    emulator.control.updateEvent(owner, ids[1]!, { start: "2025-03-21T15:00:00Z", end: "2025-03-21T16:00:00Z" }, "microsoft");
    emulator.control.cancelEvent(owner, ids[2]!, "microsoft");
    emulator.control.deleteEvent(owner, ids[3]!, "microsoft");
    const second = await calendar.syncEvents({ ...full(), cursor: first.nextCursor });
    expect(second.full).toBe(false);
    const changed = upserts(second.changes);
    expect(changed.find((e) => e.providerEventId === ids[1])?.start).toEqual(new Date("2025-03-21T15:00:00Z"));
    expect(changed.find((e) => e.providerEventId === ids[2])?.isCancelled).toBe(true);
    expect(second.changes).toContainEqual({ kind: "removed", providerEventId: ids[3] });
    expect(changed.map((e) => e.providerEventId)).not.toContain(ids[4]);
  });

  it(`follows @odata.nextLink pages (odata.maxpagesize=${DELTA_PAGE_SIZE}) within one round`, async () => {
    const many = Array.from({ length: DELTA_PAGE_SIZE + 20 }, (_, index) => emulator.control.createEvent(owner, {
      summary: `Slot ${index}`, start: new Date(Date.parse("2025-04-10T06:00:00Z") + index * 300_000).toISOString(), end: new Date(Date.parse("2025-04-10T06:05:00Z") + index * 300_000).toISOString(),
      attendees: [{ email: "client@fabrikam.example" }],
    }, "microsoft").id);
    emulator.control.clearRequests();
    const round = await calendar.syncEvents(full());
    const seen = new Set(upserts(round.changes).map((e) => e.providerEventId));
    for (const id of many) expect(seen.has(id)).toBe(true);
    const deltaCalls = emulator.control.requests({ method: "GET", pathPrefix: "/v1.0/me/calendarView/delta" });
    expect(deltaCalls.length).toBe(2);
    expect(deltaCalls[1]?.query["$skiptoken"]).toBeTruthy();
    expect(deltaCalls[0]?.headers["prefer"]).toContain('outlook.timezone="UTC"');
    expect(deltaCalls[0]?.headers["prefer"]).toContain(`odata.maxpagesize=${DELTA_PAGE_SIZE}`);
  });

  it("maps a Windows-zoned weekly series with a moved exception across the DST change", async () => {
    const master = emulator.control.createEvent(owner, {
      summary: "Weekly sync", start: "2025-03-20T09:00:00", end: "2025-03-20T09:30:00", timeZone: "W. Europe Standard Time",
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=3"], attendees: [{ email: "client@fabrikam.example", response: "accepted" }],
    }, "microsoft");
    emulator.control.moveOccurrence(owner, master.id, "2025-03-27T08:00:00Z", { start: "2025-03-27T11:00:00", end: "2025-03-27T11:30:00" }, "microsoft");
    const round = await calendar.syncEvents(full());
    const series = upserts(round.changes).filter((e) => e.seriesId === master.id).sort((a, b) => a.start.getTime() - b.start.getTime());
    expect(series.map((e) => e.start.toISOString())).toEqual([
      "2025-03-20T08:00:00.000Z", // 09:00 CET
      "2025-03-27T10:00:00.000Z", // the exception, 11:00 CET
      "2025-04-03T07:00:00.000Z", // 09:00 CEST, after the change on 30 March
    ]);
    for (const occurrence of series) expect(occurrence.timeZone).toBe("Europe/Berlin");
    expect(new Set(series.map((e) => e.providerEventId)).size).toBe(3);
  });

  it("reports a declined invitation as selfResponse declined", async () => {
    const invite = emulator.control.createEvent(owner, {
      summary: "Vendor pitch", start: "2025-03-25T13:00:00Z", end: "2025-03-25T14:00:00Z",
      organizer: { email: "vendor@fabrikam.example", name: "Vendor" }, attendees: [{ email: owner, response: "declined" }],
    }, "microsoft");
    const round = await calendar.syncEvents(full());
    const event = upserts(round.changes).find((e) => e.providerEventId === invite.id);
    expect(event).toMatchObject({ isOrganizer: false, selfResponse: "declined", organizer: { email: "vendor@fabrikam.example", name: "Vendor" } });
  });

  it("raises cursor_expired when the delta token is gone (410 SyncStateNotFound)", async () => {
    const round = await calendar.syncEvents(full());
    emulator.control.invalidateSyncTokens(owner, "microsoft");
    await expect(calendar.syncEvents({ ...full(), cursor: round.nextCursor })).rejects.toMatchObject({ kind: "cursor_expired", retryable: false });
  });

  it("raises rate_limited with Retry-After on 429", async () => {
    emulator.control.addFault({ method: "GET", path: "/v1.0/me/calendarView/delta", kind: "rateLimit", retryAfterSeconds: 12 });
    await expect(calendar.syncEvents(full())).rejects.toMatchObject({ kind: "rate_limited", retryAfterMs: 12_000, retryable: true });
  });

  it("raises transient on 5xx without Retry-After", async () => {
    emulator.control.addFault({ method: "GET", path: "/v1.0/me/calendarView/delta", kind: "serverError", status: 502 });
    await expect(calendar.syncEvents(full())).rejects.toMatchObject({ kind: "transient" });
  });

  it("refreshes the token once on 401 and carries on", async () => {
    emulator.control.expireAccessTokens(owner, "microsoft");
    const round = await calendar.syncEvents(full());
    expect(round.full).toBe(true);
  });
});
