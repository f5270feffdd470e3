import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUFFER_MARKER_PROPERTY_ID } from "../../../src/calendars/microsoft/buffer-marker.js";
import type { CalendarProvider, WatchRequest } from "../../../src/calendars/provider.js";
import { ProviderError } from "../../../src/calendars/provider-error.js";
import { SendWindowClosed } from "../../../src/calendars/send-window.js";
import { startEmulator, type Emulator } from "../../emulator/server.js";
import { WebhookReceiver } from "../../emulator/test-support.js";
import { connectCalendar } from "./support/connect.js";

describe("Microsoft subscriptions, attendance, schedule, buffer events and mail against the emulator", () => {
  let emulator: Emulator;
  let receiver: WebhookReceiver;
  let calendar: CalendarProvider;
  let accountId: string;
  const owner = "olga@contoso.example";
  let primary = "";

  beforeAll(async () => {
    emulator = await startEmulator();
    receiver = await new WebhookReceiver().start();
    ({ calendar, account: { accountId } } = await connectCalendar(emulator, emulator.url, owner));
    primary = emulator.control.graphCalendars(owner).find((c) => c.isDefault)?.id ?? "";
  });
  afterAll(async () => {
    await receiver.stop();
    await emulator.close();
  });

  it("creates a subscription after the validation handshake, renews and stops it", async () => {
    const request: WatchRequest = { providerCalendarId: primary, address: `${receiver.url}/webhooks/microsoft`, secret: "client-state-secret", channelId: "ignored", expiresAt: new Date(Date.now() + 30 * 86_400_000) };
    const channel = await calendar.watch(request);
    expect(receiver.received.some((hook) => hook.url.includes("validationToken="))).toBe(true);
    const stored = emulator.control.subscriptions().find((s) => s.id === channel.externalId);
    expect(stored).toMatchObject({ resource: "me/events", changeType: "created,updated,deleted", clientState: "client-state-secret", notificationUrl: request.address, lifecycleNotificationUrl: request.address });
    // Asked for 30 days; Graph allows under 7 for events.
    expect(channel.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 10_080 * 60_000);
    expect(channel.expiresAt.getTime()).toBeGreaterThan(Date.now() + 10_000 * 60_000);

    const renewed = await calendar.renewWatch(channel, { ...request, expiresAt: new Date(Date.now() + 3 * 86_400_000) });
    expect(renewed.externalId).toBe(channel.externalId);
    expect(Math.abs(renewed.expiresAt.getTime() - (Date.now() + 3 * 86_400_000))).toBeLessThan(5_000);

    await calendar.stopWatch(renewed);
    expect(emulator.control.subscriptions().find((s) => s.id === channel.externalId)?.deleted).toBe(true);
    await expect(calendar.stopWatch(renewed)).resolves.toBeUndefined();
    const replaced = await calendar.renewWatch(renewed, request);
    expect(replaced.externalId).not.toBe(channel.externalId);
  });

  it("reads Teams attendance as organiser: the user and the others joined", async () => {
    const meeting = emulator.control.createEvent(owner, {
      summary: "Quarterly review", start: "2025-03-20T10:00:00Z", end: "2025-03-20T11:00:00Z", teams: true,
      attendees: [{ email: "client@fabrikam.example", response: "accepted" }],
    }, "microsoft");
    emulator.control.addTeamsAttendance({
      organizer: owner, joinWebUrl: meeting.teamsJoinUrl!, meetingStart: "2025-03-20T10:00:00Z", meetingEnd: "2025-03-20T11:00:00Z",
      records: [
        { email: "client@fabrikam.example", joinTime: "2025-03-20T10:01:00Z", leaveTime: "2025-03-20T10:55:00Z" },
        { email: owner, role: "Organizer", joinTime: "2025-03-20T10:07:00Z", leaveTime: "2025-03-20T11:00:00Z" },
      ],
    });
    const result = await calendar.attendance({ providerEventId: meeting.id, meetCode: null, teamsJoinUrl: meeting.teamsJoinUrl!, onlineMeetingId: null, start: new Date("2025-03-20T10:00:00Z"), end: new Date("2025-03-20T11:00:00Z"), isOrganizer: true });
    expect(result).toMatchObject({ available: true, selfJoinedAt: new Date("2025-03-20T10:07:00Z"), othersJoinedAt: new Date("2025-03-20T10:01:00Z") });
    if (result.available) expect(result.participants.find((p) => p.accountId === accountId)?.leftAt).toEqual(new Date("2025-03-20T11:00:00Z"));
  });

  it("says attendance is unavailable, and why, for a meeting the user does not organise", async () => {
    emulator.control.addUser({ provider: "microsoft", email: "host@fabrikam.example" });
    const invite = emulator.control.createEvent(owner, { summary: "Their meeting", start: "2025-03-21T10:00:00Z", end: "2025-03-21T11:00:00Z", teams: true, organizer: { email: "host@fabrikam.example", name: "Host" }, attendees: [{ email: owner, response: "accepted" }] }, "microsoft");
    const query = { providerEventId: invite.id, meetCode: null, teamsJoinUrl: invite.teamsJoinUrl!, onlineMeetingId: null, start: new Date("2025-03-21T10:00:00Z"), end: new Date("2025-03-21T11:00:00Z") };
    const asAttendee = await calendar.attendance({ ...query, isOrganizer: false });
    expect(asAttendee).toEqual({ available: false, reason: expect.stringContaining("only the organiser") });
    // Even if our data were wrong about the organiser, Graph's answer is turned into "unavailable", never an error.
    const claimed = await calendar.attendance({ ...query, isOrganizer: true });
    expect(claimed.available).toBe(false);
  });

  it("returns busy and tentative times from getSchedule as UTC ranges", async () => {
    emulator.control.createEvent(owner, { summary: "Busy", start: "2025-05-05T09:00:00Z", end: "2025-05-05T10:00:00Z" }, "microsoft");
    emulator.control.createEvent(owner, { summary: "Maybe", start: "2025-05-06T14:00:00Z", end: "2025-05-06T15:00:00Z", status: "tentative" }, "microsoft");
    emulator.control.createEvent(owner, { summary: "Free", start: "2025-05-07T09:00:00Z", end: "2025-05-07T10:00:00Z", transparency: "transparent" }, "microsoft");
    const busy = await calendar.busyTimes({ start: new Date("2025-05-05T00:00:00Z"), end: new Date("2025-05-08T00:00:00Z") });
    expect(busy).toEqual([
      { start: new Date("2025-05-05T09:00:00Z"), end: new Date("2025-05-05T10:00:00Z") },
      { start: new Date("2025-05-06T14:00:00Z"), end: new Date("2025-05-06T15:00:00Z") },
    ]);
  });

  it("asks getSchedule in pieces of at most 62 days", async () => {
    emulator.control.clearRequests();
    await calendar.busyTimes({ start: new Date("2025-01-01T00:00:00Z"), end: new Date("2025-06-01T00:00:00Z") });
    expect(emulator.control.requests({ method: "POST", pathPrefix: "/v1.0/me/calendar/getSchedule" })).toHaveLength(3);
  });

  it("creates, moves and deletes a buffer event that sync reports with isBuffer", async () => {
    const { providerEventId } = await calendar.createEvent(primary, {
      title: "Buffer before Quarterly review", description: "Protected time", start: new Date("2025-06-02T08:20:00Z"), end: new Date("2025-06-02T09:00:00Z"), timeZone: "Europe/Berlin", marker: "case-42",
    });
    const window = { start: new Date("2025-06-01T00:00:00Z"), end: new Date("2025-06-03T00:00:00Z") };
    emulator.control.clearRequests();
    const first = await calendar.syncEvents({ providerCalendarId: primary, cursor: null, window });
    const created = first.changes.find((c) => c.kind === "upsert" && c.event.providerEventId === providerEventId);
    expect(created).toMatchObject({ event: { isBuffer: true, isFree: false, attendees: [], start: new Date("2025-06-02T08:20:00Z"), timeZone: "Europe/Berlin" } });
    // Delta never carries extended properties: the marker came from GET event with the documented $expand.
    const lookups = emulator.control.requests({ method: "GET", pathPrefix: `/v1.0/me/events/${encodeURIComponent(providerEventId)}` });
    expect(lookups.map((r) => r.query["$expand"])).toEqual([`singleValueExtendedProperties($filter=id eq '${BUFFER_MARKER_PROPERTY_ID}')`]);

    await calendar.moveEvent(primary, providerEventId, { start: new Date("2025-06-02T08:30:00Z"), end: new Date("2025-06-02T09:10:00Z") });
    const second = await calendar.syncEvents({ providerCalendarId: primary, cursor: first.nextCursor, window });
    expect(second.changes).toContainEqual(expect.objectContaining({ kind: "upsert", event: expect.objectContaining({ providerEventId, isBuffer: true, start: new Date("2025-06-02T08:30:00Z") }) }));

    await calendar.deleteEvent(primary, providerEventId);
    await expect(calendar.deleteEvent(primary, providerEventId)).resolves.toBeUndefined();
    const third = await calendar.syncEvents({ providerCalendarId: primary, cursor: second.nextCursor, window });
    expect(third.changes).toContainEqual({ kind: "removed", providerEventId });
  });

  it("sends mail as base64 MIME with Content-Type text/plain (202)", async () => {
    const mime = Buffer.from("From: olga@contoso.example\r\nTo: client@fabrikam.example\r\nSubject: Sorry I missed our call\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCould we meet Tuesday or Wednesday?\r\n");
    await expect(calendar.sendMail(mime, { deadline: new Date(Date.now() + 20_000) })).resolves.toEqual({ providerMessageId: null });
    expect(emulator.control.sentMail().at(-1)).toMatchObject({
      provider: "microsoft", from: owner, to: ["client@fabrikam.example"], subject: "Sorry I missed our call",
      body: "Could we meet Tuesday or Wednesday?\n", raw: mime.toString("utf8"), saveToSentItems: true,
    });
  });

  it("sends nothing once the attempt's window has closed, and abandons a send that outlives it", async () => {
    const mime = Buffer.from("From: olga@contoso.example\r\nTo: client@fabrikam.example\r\nSubject: Window\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n");
    const before = emulator.control.sentMail().length;
    await expect(calendar.sendMail(mime, { deadline: new Date(Date.now() - 1) })).rejects.toBeInstanceOf(SendWindowClosed);
    expect(emulator.control.sentMail()).toHaveLength(before);
    // The provider holds the request past the window: the client gives up, which is not a refusal
    // (the provider may still take it), so the error is not SendWindowClosed.
    emulator.control.addFault({ method: "POST", path: "/v1.0/me/sendMail", kind: "delay", delayMs: 1_500 });
    const started = Date.now();
    const abandoned = await calendar.sendMail(mime, { deadline: new Date(Date.now() + 300) }).then(() => undefined, (error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(abandoned).toBeInstanceOf(ProviderError);
    expect(abandoned).not.toBeInstanceOf(SendWindowClosed);
    // No HTTP status: nothing says the provider refused it.
    expect(typeof (abandoned as ProviderError).details["status"]).not.toBe("number");
  });
});
