import { calendar, type calendar_v3 } from "@googleapis/calendar";
import { GaxiosError } from "gaxios";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./server.js";
import { connectGoogle, WebhookReceiver } from "./test-support.js";

let emulator: Emulator;
let api: calendar_v3.Calendar;
const DAY = 86_400_000;
const base = Date.UTC(2030, 0, 7, 15, 0, 0); // a Monday, well ahead of the real clock
const at = (offsetMs: number): string => new Date(base + offsetMs).toISOString();

beforeAll(async () => {
  emulator = await startEmulator({ now: () => base - DAY });
  emulator.control.addUser({ provider: "google", email: "ada@example.com", name: "Ada Lovelace" });
  api = calendar({ version: "v3", rootUrl: emulator.env.GOOGLE_API_ROOT_URL, auth: await connectGoogle(emulator, "ada@example.com") });
});
afterAll(async () => emulator.close());

async function listAll(params: calendar_v3.Params$Resource$Events$List): Promise<{ items: calendar_v3.Schema$Event[]; syncToken: string; pages: number }> {
  const items: calendar_v3.Schema$Event[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const { data } = await api.events.list({ ...params, pageToken });
    pages += 1;
    items.push(...(data.items ?? []));
    if (data.nextPageToken) pageToken = data.nextPageToken;
    else return { items, syncToken: data.nextSyncToken ?? "", pages };
  }
}

describe("Google Calendar v3 emulation", () => {
  it("lists, pages, expands recurring series and syncs incrementally", async () => {
    const { control } = emulator;
    const single = control.createEvent("ada@example.com", {
      summary: "Client call", start: at(0), end: at(3_600_000), timeZone: "America/New_York", meet: "abc-defg-hij",
      attendees: [{ email: "ada@example.com", response: "accepted" }, { email: "bob@client.test", name: "Bob", response: "accepted" }],
    });
    const series = control.createEvent("ada@example.com", {
      summary: "Weekly sync", start: at(DAY), end: at(DAY + 1_800_000), timeZone: "Europe/Berlin", recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4"],
      attendees: [{ email: "carol@client.test" }],
    });
    control.addExdate("ada@example.com", series.id, at(8 * DAY));
    control.moveOccurrence("ada@example.com", series.id, at(15 * DAY), { start: at(15 * DAY + 7_200_000), end: at(15 * DAY + 9_000_000) });

    const window = { calendarId: "primary", singleEvents: true, orderBy: "startTime", timeMin: at(-DAY), timeMax: at(30 * DAY), maxResults: 2 };
    const full = await listAll(window);
    expect(full.pages).toBe(2);
    expect(full.items.map((e) => e.summary)).toEqual(["Client call", "Weekly sync", "Weekly sync", "Weekly sync"]);
    const [call, first, moved] = full.items;
    expect(call).toMatchObject({ hangoutLink: "https://meet.google.com/abc-defg-hij", conferenceData: { conferenceId: "abc-defg-hij" }, start: { timeZone: "America/New_York", dateTime: "2030-01-07T10:00:00-05:00" } });
    expect(call?.attendees?.find((a) => a.self)?.responseStatus).toBe("accepted");
    expect(first).toMatchObject({ recurringEventId: series.id, originalStartTime: { dateTime: "2030-01-08T16:00:00+01:00" } });
    expect(moved).toMatchObject({ recurringEventId: series.id, start: { dateTime: "2030-01-22T18:00:00+01:00" }, originalStartTime: { dateTime: "2030-01-22T16:00:00+01:00" } });

    control.updateEvent("ada@example.com", single.id, { summary: "Client call (moved)" });
    control.deleteEvent("ada@example.com", series.id);
    const incremental = await listAll({ calendarId: "primary", singleEvents: true, syncToken: full.syncToken });
    expect(incremental.items.find((e) => e.id === single.id)?.summary).toBe("Client call (moved)");
    const cancelled = incremental.items.filter((e) => e.status === "cancelled");
    expect(cancelled.length).toBe(3);
    expect(cancelled.every((e) => e.recurringEventId === series.id && e.summary === undefined)).toBe(true);

    const nothing = await api.events.list({ calendarId: "primary", singleEvents: true, syncToken: incremental.syncToken });
    expect(nothing.data.items).toEqual([]);

    control.invalidateSyncTokens("ada@example.com");
    const gone = await api.events.list({ calendarId: "primary", syncToken: incremental.syncToken }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(GaxiosError);
    expect((gone as GaxiosError).status).toBe(410);
    expect((gone as GaxiosError).response?.data).toMatchObject({ error: { code: 410, errors: [{ domain: "calendar", reason: "fullSyncRequired" }] } });

    const conflicting = await api.events.list({ calendarId: "primary", syncToken: incremental.syncToken, timeMin: at(0) }).catch((e: unknown) => e);
    expect((conflicting as GaxiosError).status).toBe(400);
  });

  it("returns an instance removed by an EXDATE after the sync token as a cancelled instance", async () => {
    const { control } = emulator;
    const series = control.createEvent("ada@example.com", {
      summary: "Standup", start: at(20 * DAY), end: at(20 * DAY + 900_000), timeZone: "Europe/Berlin", recurrence: ["RRULE:FREQ=DAILY;COUNT=4"],
    });
    const window = { calendarId: "primary", singleEvents: true, timeMin: at(19 * DAY), timeMax: at(25 * DAY) };
    const first = await listAll(window);
    expect(first.items.filter((item) => item.recurringEventId === series.id)).toHaveLength(4);

    control.addExdate("ada@example.com", series.id, at(22 * DAY));
    const next = await listAll({ calendarId: "primary", singleEvents: true, syncToken: first.syncToken });
    const removed = next.items.find((item) => item.id === `${series.id}_${at(22 * DAY).replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`);
    expect(removed).toMatchObject({ status: "cancelled", recurringEventId: series.id });
    expect(Date.parse(removed!.originalStartTime!.dateTime!)).toBe(base + 22 * DAY);
    // The series' other instances come back too (the series changed), none of them cancelled.
    expect(next.items.filter((item) => item.recurringEventId === series.id && item.status !== "cancelled")).toHaveLength(3);
    // A full listing (no showDeleted) no longer has it.
    expect((await listAll(window)).items.filter((item) => item.recurringEventId === series.id)).toHaveLength(3);
  });

  it("inserts, patches, updates and deletes events", async () => {
    const created = await api.events.insert({
      calendarId: "primary", conferenceDataVersion: 1,
      requestBody: { summary: "Buffer", start: { dateTime: at(2 * DAY), timeZone: "UTC" }, end: { dateTime: at(2 * DAY + 2_400_000), timeZone: "UTC" }, conferenceData: { createRequest: { requestId: "r1" } }, extendedProperties: { private: { makegood: "buffer" } } },
    });
    expect(created.data.id).toMatch(/^[a-v0-9]+$/);
    expect(created.data.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    const patched = await api.events.patch({ calendarId: "primary", eventId: created.data.id ?? "", requestBody: { transparency: "transparent" } });
    expect(patched.data).toMatchObject({ summary: "Buffer", transparency: "transparent", extendedProperties: { private: { makegood: "buffer" } } });
    const updated = await api.events.update({ calendarId: "primary", eventId: created.data.id ?? "", requestBody: { summary: "Buffer 2", start: { dateTime: at(2 * DAY) }, end: { dateTime: at(2 * DAY + 1_800_000) } } });
    expect(updated.data.transparency).toBeUndefined();
    await api.events.delete({ calendarId: "primary", eventId: created.data.id ?? "" });
    const again = await api.events.delete({ calendarId: "primary", eventId: created.data.id ?? "" }).catch((e: unknown) => e);
    expect((again as GaxiosError).status).toBe(410);
    const missing = await api.events.get({ calendarId: "primary", eventId: "doesnotexist" }).catch((e: unknown) => e);
    expect((missing as GaxiosError).status).toBe(404);

    const busy = await api.freebusy.query({ requestBody: { timeMin: at(-DAY), timeMax: at(DAY), items: [{ id: "primary" }] } });
    expect(busy.data.calendars?.["primary"]?.busy?.length).toBe(1);
  });

  it("delivers watch notifications: sync first, then exists on change", async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const channel = await api.events.watch({ calendarId: "primary", requestBody: { id: "chan-1", type: "web_hook", address: `${receiver.url}/webhooks/google`, token: "secret-token" } });
      expect(channel.data).toMatchObject({ kind: "api#channel", id: "chan-1", token: "secret-token" });
      expect(Number(channel.data.expiration)).toBeGreaterThan(emulator.control.now());
      emulator.control.createEvent("ada@example.com", { summary: "New", start: at(3 * DAY), end: at(3 * DAY + 3_600_000) });
      emulator.control.sendGoogleNotification("chan-1", { messageNumber: 2 }); // a duplicate
      await emulator.control.settleWebhooks();
      const headers = receiver.received.map((r) => [r.headers["x-goog-resource-state"], r.headers["x-goog-message-number"]]);
      expect(headers).toEqual([["sync", "1"], ["exists", "2"], ["exists", "2"]]);
      expect(receiver.received[1]?.headers).toMatchObject({ "x-goog-channel-id": "chan-1", "x-goog-channel-token": "secret-token", "x-goog-resource-id": channel.data.resourceId });
      await api.channels.stop({ requestBody: { id: "chan-1", resourceId: channel.data.resourceId ?? "" } });
      emulator.control.createEvent("ada@example.com", { summary: "Quiet", start: at(4 * DAY), end: at(4 * DAY + 3_600_000) });
      await emulator.control.settleWebhooks();
      expect(receiver.received.length).toBe(3);
    } finally {
      await receiver.stop();
    }
  });
});
