import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/platform/clock.js";
import { syncConnection } from "../../src/calendars/sync/sync-connection.js";
import type { CookieClient } from "../support/cookie-client.js";
import { connectAs, waitForMeeting } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { connectionOf, settleTasks, type Kind } from "./support.js";

/**
 * Full and incremental rounds against both providers, on a clock three days before Europe's
 * DST change (2026-03-29), so a daily series in Europe/Berlin crosses it inside the window.
 */
const START = new Date("2026-03-26T12:00:00Z");
const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(START.getTime() + offsetMs).toISOString();

const accounts: Record<Kind, string> = { google: "ann@example.com", microsoft: "cam@contoso.example" };

describe("sync rounds against Google and Microsoft", () => {
  const clock = new FixedClock(START);
  let harness: Harness;
  const browsers = {} as Record<Kind, CookieClient>;
  const seriesIds = {} as Record<Kind, string>;
  const ids = {} as Record<Kind, Record<string, string>>;
  const query = `?from=${at(-3 * DAY)}&to=${at(15 * DAY)}`;

  beforeAll(async () => {
    // The emulator keeps real time: id_tokens are checked against the real clock by google-auth-library.
    harness = await startHarness({ clock });
    const { control } = harness.emulator;
    for (const provider of ["google", "microsoft"] as const) {
      const owner = accounts[provider];
      control.addUser({ provider, email: owner, name: owner.split("@")[0] });
      const guests = [
        { email: owner, response: "accepted" as const },
        { email: "dana@client.example", name: "Dana Smith", response: "accepted" as const },
      ];
      // 09:00 Berlin every day for ten days: 08:00Z before the change, 07:00Z after it.
      const series = control.createEvent(
        owner,
        { summary: "Daily standup", start: "2026-03-25T09:00:00+01:00", end: "2026-03-25T09:15:00+01:00", timeZone: "Europe/Berlin", recurrence: ["RRULE:FREQ=DAILY;COUNT=10"], attendees: guests, organizer: { email: owner, name: "Owner" } },
        provider,
      );
      seriesIds[provider] = series.id;
      control.addExdate(owner, series.id, "2026-03-30T07:00:00Z", provider);
      control.moveOccurrence(owner, series.id, "2026-03-31T07:00:00Z", { start: "2026-03-31T14:00:00+02:00", end: "2026-03-31T14:15:00+02:00" }, provider);
      const single = (summary: string, offset: number) => control.createEvent(owner, { summary, start: at(offset), end: at(offset + 3_600_000), attendees: guests, organizer: { email: owner, name: "Owner" } }, provider).id;
      ids[provider] = {
        move: single("Move me", DAY),
        cancel: single("Cancel me", DAY + 2 * 3_600_000),
        remove: single("Delete me", DAY + 4 * 3_600_000),
        keepA: single("Keep A", 2 * DAY),
        keepB: single("Keep B", 2 * DAY + 2 * 3_600_000),
      };
      control.createEvent(
        owner,
        {
          summary: "Vendor pitch",
          start: at(3 * DAY),
          end: at(3 * DAY + 3_600_000),
          organizer: { email: "vendor@else.example", name: "Vendor" },
          attendees: [{ email: owner, response: "declined" }, { email: "vendor@else.example", response: "accepted" }],
        },
        provider,
      );
      browsers[provider] = await connectAs(harness, provider, owner);
      await waitForMeeting(browsers[provider], "Keep B", () => true, 10_000, query);
    }
    await settleTasks(harness);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  const meetingsOf = async (provider: Kind) => {
    const connection = await connectionOf(harness, provider, accounts[provider]);
    return harness.service.services.db.meeting.findMany({ where: { connectionId: connection.id }, include: { attendees: true }, orderBy: { start: "asc" } });
  };

  describe.each(["google", "microsoft"] as const)("%s", (provider) => {
    it("stores each instance of a series across a DST change at its own UTC instant, without the EXDATE'd one, the moved one at its new time", async () => {
      const standups = (await meetingsOf(provider)).filter((m) => m.title === "Daily standup" && !m.deletedAt);
      expect(standups.map((m) => m.start.toISOString())).toEqual([
        "2026-03-25T08:00:00.000Z",
        "2026-03-26T08:00:00.000Z",
        "2026-03-27T08:00:00.000Z",
        "2026-03-28T08:00:00.000Z",
        // Sunday 29 March: clocks go forward, 09:00 Berlin is now 07:00Z
        "2026-03-29T07:00:00.000Z",
        // 30 March is excluded (EXDATE); 31 March moved to 14:00 Berlin
        "2026-03-31T12:00:00.000Z",
        "2026-04-01T07:00:00.000Z",
        "2026-04-02T07:00:00.000Z",
        "2026-04-03T07:00:00.000Z",
      ]);
      for (const meeting of standups) {
        expect(meeting).toMatchObject({ seriesId: seriesIds[provider], timeZone: "Europe/Berlin", isCancelled: false, watched: true });
        expect(meeting.end.getTime() - meeting.start.getTime()).toBe(15 * 60_000);
      }
      expect(new Set(standups.map((m) => m.providerEventId)).size).toBe(standups.length);
      const moved = standups.find((m) => m.start.toISOString() === "2026-03-31T12:00:00.000Z")!;
      expect(moved.originalStart?.toISOString()).toBe("2026-03-31T07:00:00.000Z");
      const views = (await browsers[provider].json<{ meetings: Array<{ title: string; start: string; seriesId: string | null }> }>(`/api/meetings${query}`)).body.meetings;
      expect(views.filter((m) => m.title === "Daily standup").every((m) => m.seriesId === seriesIds[provider])).toBe(true);
      expect(views.some((m) => m.title === "Daily standup" && m.start.startsWith("2026-03-30"))).toBe(false);
    });

    it("stores a declined invitation, unwatched, with the user's answer", async () => {
      const pitch = (await meetingsOf(provider)).find((m) => m.title === "Vendor pitch")!;
      expect(pitch).toMatchObject({ selfResponse: "declined", watched: false, isCancelled: false, state: null });
      expect(pitch.attendees.find((a) => a.email === accounts[provider])?.response).toBe("declined");
    });

    it("an incremental round applies a move, a cancellation and a deletion, touches nothing else and advances the cursor", async () => {
      const { control } = harness.emulator;
      const { db } = harness.service.services;
      const owner = accounts[provider];
      const connection = await connectionOf(harness, provider, owner);
      const calendarBefore = await db.calendar.findFirstOrThrow({ where: { connectionId: connection.id } });
      const before = await meetingsOf(provider);
      clock.advance(60_000);

      control.updateEvent(owner, ids[provider]!["move"]!, { start: at(DAY + 30 * 60_000 + 60_000), end: at(DAY + 90 * 60_000 + 60_000) }, provider);
      control.cancelEvent(owner, ids[provider]!["cancel"]!, provider);
      control.deleteEvent(owner, ids[provider]!["remove"]!, provider);
      control.clearRequests();
      const outcome = await syncConnection(connection.id, harness.service.services.sync);
      expect(outcome).toMatchObject({ status: "synced", fullRounds: 0 });

      // Incremental: the stored cursor was sent, no time window.
      const listCalls = control.requests({ method: "GET" }).filter((r) => r.path.endsWith("/events") || r.path.endsWith("/calendarView/delta"));
      expect(listCalls).toHaveLength(1);
      if (provider === "google") expect(listCalls[0]!.query).toMatchObject({ syncToken: calendarBefore.syncCursor });
      else expect(calendarBefore.syncCursor).toContain(`$deltatoken=${listCalls[0]!.query["$deltatoken"]}`);

      const after = await meetingsOf(provider);
      const byEvent = (rows: typeof after, id: string) => rows.find((m) => m.providerEventId === id)!;
      expect(byEvent(after, ids[provider]!["move"]!).start.toISOString()).toBe(at(DAY + 31 * 60_000));
      const cancelled = byEvent(after, ids[provider]!["cancel"]!);
      expect(cancelled).toMatchObject({ isCancelled: true, watched: false });
      const deleted = byEvent(after, ids[provider]!["remove"]!);
      expect(deleted).toMatchObject({ isCancelled: true, watched: false });
      expect(deleted.deletedAt?.toISOString()).toBe(clock.now().toISOString());
      expect(after).toHaveLength(before.length);

      const changed = new Set([ids[provider]!["move"], ids[provider]!["cancel"], ids[provider]!["remove"]]);
      for (const row of before.filter((m) => !changed.has(m.providerEventId))) {
        const now = byEvent(after, row.providerEventId);
        expect({ id: now.id, updatedAt: now.updatedAt, start: now.start, cancelled: now.isCancelled }).toEqual({ id: row.id, updatedAt: row.updatedAt, start: row.start, cancelled: row.isCancelled });
      }
      const calendarAfter = await db.calendar.findFirstOrThrow({ where: { connectionId: connection.id } });
      expect(calendarAfter.syncCursor).not.toBe(calendarBefore.syncCursor);
      expect(calendarAfter.lastFullSyncAt).toEqual(calendarBefore.lastFullSyncAt);
      await settleTasks(harness);
    });

    it("an instance excluded (EXDATE) or cancelled after a sync arrives in the next incremental round, and its meeting is marked cancelled", async () => {
      const { control } = harness.emulator;
      const owner = accounts[provider];
      const connection = await connectionOf(harness, provider, owner);
      const instance = async (startIso: string) => (await meetingsOf(provider)).find((m) => m.seriesId === seriesIds[provider] && m.originalStart?.toISOString() === startIso)!;
      const [exdated, cancelled] = [await instance("2026-04-02T07:00:00.000Z"), await instance("2026-04-03T07:00:00.000Z")];
      expect([exdated.isCancelled, cancelled.isCancelled]).toEqual([false, false]);
      clock.advance(60_000);

      control.addExdate(owner, seriesIds[provider], "2026-04-02T07:00:00Z", provider);
      control.cancelOccurrence(owner, seriesIds[provider], "2026-04-03T07:00:00Z", provider);
      const outcome = await syncConnection(connection.id, harness.service.services.sync);
      expect(outcome).toMatchObject({ status: "synced", fullRounds: 0 });
      expect(outcome.status === "synced" && outcome.removed).toBe(2);

      const after = await meetingsOf(provider);
      for (const before of [exdated, cancelled]) {
        const row = after.find((m) => m.id === before.id)!;
        expect(row).toMatchObject({ isCancelled: true, watched: false, providerEventId: before.providerEventId });
        expect(row.deletedAt).not.toBeNull();
      }
      const live = after.filter((m) => m.seriesId === seriesIds[provider] && !m.isCancelled);
      expect(live.map((m) => m.start.toISOString())).not.toContain("2026-04-02T07:00:00.000Z");
      expect(live).toHaveLength(7);
      await settleTasks(harness);
    });

    it("after a 410 the next sync lists the window again; meetings keep their ids and detection states", async () => {
      const { control } = harness.emulator;
      const { db } = harness.service.services;
      const owner = accounts[provider];
      const connection = await connectionOf(harness, provider, owner);
      await settleTasks(harness);
      const before = await meetingsOf(provider);
      const transitionsBefore = await db.stateTransition.count({ where: { meeting: { connectionId: connection.id } } });
      // Detection decides meetings of the next 24 hours and the recent past: some of these have a state.
      expect(before.filter((m) => m.state !== null).length).toBeGreaterThan(2);
      clock.advance(60_000);

      control.invalidateSyncTokens(owner, provider);
      control.clearRequests();
      const outcome = await syncConnection(connection.id, harness.service.services.sync);
      expect(outcome).toMatchObject({ status: "synced", fullRounds: 1 });
      // The rejected cursor, then a listing of the window.
      const listCalls = control.requests({ method: "GET" }).filter((r) => r.path.endsWith("/events") || r.path.endsWith("/calendarView/delta"));
      expect(listCalls.length).toBeGreaterThanOrEqual(2);
      expect(listCalls.at(-1)!.query).toHaveProperty(provider === "google" ? "timeMin" : "startDateTime");
      await settleTasks(harness);

      const after = await meetingsOf(provider);
      expect(after.map((m) => [m.providerEventId, m.id, m.state, m.deletedAt !== null]).sort()).toEqual(before.map((m) => [m.providerEventId, m.id, m.state, m.deletedAt !== null]).sort());
      expect(await db.stateTransition.count({ where: { meeting: { connectionId: connection.id } } })).toBe(transitionsBefore);
      // And the new cursor works: the round after is incremental again.
      expect(await syncConnection(connection.id, harness.service.services.sync)).toMatchObject({ status: "synced", fullRounds: 0 });
    });
  });
});
