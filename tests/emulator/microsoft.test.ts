import { Client, GraphError } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./server.js";
import { authorize, connectMicrosoft, MICROSOFT_REDIRECT, MICROSOFT_SCOPES, microsoftToken, pkcePair, WebhookReceiver } from "./test-support.js";

let emulator: Emulator;
const DAY = 86_400_000;
const base = Date.UTC(2030, 2, 4, 17, 0, 0);
const at = (offsetMs: number): string => new Date(base + offsetMs).toISOString();

beforeAll(async () => {
  emulator = await startEmulator({ now: () => base - DAY });
  emulator.control.addUser({ provider: "microsoft", email: "grace@contoso.test", name: "Grace Hopper" });
  emulator.control.addUser({ provider: "microsoft", email: "alan@contoso.test", name: "Alan Turing" });
});
afterAll(async () => emulator.close());

function graph(accessToken: string): Client {
  return Client.init({ baseUrl: `${emulator.env.MICROSOFT_GRAPH_URL}/`, customHosts: new Set(["localhost"]), authProvider: (done) => done(null, accessToken) });
}

async function graphFailure(request: Promise<unknown>): Promise<GraphError> {
  const error = await request.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof GraphError)) throw new Error(`expected a GraphError, got ${String(error)}`);
  return error;
}

describe("Microsoft identity platform v2.0 emulation", () => {
  it("exchanges a PKCE code, rotates refresh tokens and reports errors with AADSTS codes", async () => {
    const tokens = await connectMicrosoft(emulator, "grace@contoso.test");
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope).not.toContain("offline_access");

    const refreshed = await microsoftToken(emulator, { grant_type: "refresh_token", refresh_token: tokens.refresh_token ?? "", scope: MICROSOFT_SCOPES });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body["refresh_token"]).not.toBe(tokens.refresh_token);
    // The platform does not revoke the old refresh token when it issues a new one.
    expect((await microsoftToken(emulator, { grant_type: "refresh_token", refresh_token: tokens.refresh_token ?? "" })).status).toBe(200);

    emulator.control.revokeRefreshTokens("grace@contoso.test");
    const revoked = await microsoftToken(emulator, { grant_type: "refresh_token", refresh_token: String(refreshed.body["refresh_token"]) });
    expect(revoked.status).toBe(400);
    expect(revoked.body).toMatchObject({ error: "invalid_grant", error_codes: [50173] });
    expect(String(revoked.body["error_description"])).toMatch(/^AADSTS50173:/);
    expect(revoked.body).toHaveProperty("trace_id");
    expect(revoked.body).toHaveProperty("correlation_id");
    expect(revoked.body).toHaveProperty("timestamp");
  });

  it("rejects a reused code and a wrong verifier", async () => {
    const { verifier, challenge } = pkcePair();
    emulator.control.setNextLogin("microsoft", "grace@contoso.test");
    const query = new URLSearchParams({ client_id: emulator.env.MICROSOFT_CLIENT_ID, response_type: "code", redirect_uri: MICROSOFT_REDIRECT, scope: MICROSOFT_SCOPES, state: "st", code_challenge: challenge, code_challenge_method: "S256" });
    const params = await authorize(`${emulator.env.MICROSOFT_AUTHORITY_URL}/organizations/oauth2/v2.0/authorize?${query.toString()}`);
    expect(params.get("state")).toBe("st");
    const form = { grant_type: "authorization_code", code: params.get("code") ?? "", redirect_uri: MICROSOFT_REDIRECT, scope: MICROSOFT_SCOPES };
    expect((await microsoftToken(emulator, { ...form, code_verifier: pkcePair().verifier })).body).toMatchObject({ error: "invalid_grant", error_codes: [501481] });
    expect((await microsoftToken(emulator, { ...form, code_verifier: verifier })).status).toBe(200);
    expect((await microsoftToken(emulator, { ...form, code_verifier: verifier })).body).toMatchObject({ error: "invalid_grant", error_codes: [54005] });

    emulator.control.denyNextLogin("microsoft");
    const denied = await authorize(`${emulator.env.MICROSOFT_AUTHORITY_URL}/common/oauth2/v2.0/authorize?${query.toString()}`);
    expect(denied.get("error")).toBe("access_denied");
  });
});

describe("Microsoft Graph v1.0 emulation", () => {
  it("serves /me, pages calendarView and syncs with delta", async () => {
    const client = graph((await connectMicrosoft(emulator, "grace@contoso.test")).access_token);
    expect(await client.api("/me").get()).toMatchObject({ mail: "grace@contoso.test", displayName: "Grace Hopper" });
    const { control } = emulator;
    const single = control.createEvent("grace@contoso.test", { summary: "Design review", start: at(0), end: at(3_600_000), timeZone: "Pacific Standard Time", teams: true, attendees: [{ email: "client@fabrikam.test", response: "accepted" }] });
    const series = control.createEvent("grace@contoso.test", { summary: "Standup", start: at(DAY), end: at(DAY + 900_000), timeZone: "Pacific Standard Time", recurrence: ["RRULE:FREQ=DAILY;COUNT=3"] });

    const window = `startDateTime=${at(-DAY)}&endDateTime=${at(10 * DAY)}`;
    const first = await client.api(`/me/calendarView?${window}`).top(2).get();
    expect(first.value).toHaveLength(2);
    expect(first["@odata.nextLink"]).toMatch(/^https:\/\/localhost:\d+\/v1\.0\/me\/calendarView\?/);
    const second = await client.api(first["@odata.nextLink"]).get();
    expect(second.value).toHaveLength(2);
    expect(second["@odata.nextLink"]).toBeUndefined();
    const review = first.value[0];
    expect(review).toMatchObject({ subject: "Design review", type: "singleInstance", originalStartTimeZone: "Pacific Standard Time", start: { timeZone: "UTC", dateTime: "2030-03-04T17:00:00.0000000" }, isOnlineMeeting: true, responseStatus: { response: "organizer" } });
    expect(review.onlineMeeting.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    expect(first.value[1]).toMatchObject({ type: "occurrence", seriesMasterId: series.id });
    const pacific = await client.api(`/me/calendarView?${window}`).header("Prefer", 'outlook.timezone="Pacific Standard Time"').top(1).get();
    expect(pacific.value[0].start).toEqual({ dateTime: "2030-03-04T09:00:00.0000000", timeZone: "Pacific Standard Time" });

    let page = await client.api(`/me/calendarView/delta?${window}`).header("Prefer", "odata.maxpagesize=3").get();
    const seen = [...page.value];
    while (page["@odata.nextLink"]) {
      page = await client.api(page["@odata.nextLink"]).get();
      seen.push(...page.value);
    }
    expect(seen).toHaveLength(4);
    const deltaLink: string = page["@odata.deltaLink"];
    expect(deltaLink).toContain("$deltatoken=");

    control.updateEvent("grace@contoso.test", single.id, { summary: "Design review (v2)" });
    control.cancelOccurrence("grace@contoso.test", series.id, at(2 * DAY));
    const changes = await client.api(deltaLink).get();
    expect(changes.value.find((e: { subject?: string }) => e.subject === "Design review (v2)")).toBeTruthy();
    expect(changes.value.filter((e: { "@removed"?: object }) => e["@removed"])).toEqual([expect.objectContaining({ "@removed": { reason: "deleted" } })]);

    control.invalidateSyncTokens("grace@contoso.test");
    const gone = await graphFailure(client.api(changes["@odata.deltaLink"]).get());
    expect(gone.statusCode).toBe(410);
    expect(gone.code).toBe("SyncStateNotFound");
  });

  it("creates, patches and deletes events, answers getSchedule, sends mail", async () => {
    const client = graph((await connectMicrosoft(emulator, "grace@contoso.test")).access_token);
    const created = await client.api("/me/events").post({ subject: "Buffer", start: { dateTime: "2030-03-10T09:00:00", timeZone: "W. Europe Standard Time" }, end: { dateTime: "2030-03-10T09:40:00", timeZone: "W. Europe Standard Time" }, showAs: "busy", singleValueExtendedProperties: [{ id: "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name makegood", value: "buffer" }] });
    expect(created).toMatchObject({ originalStartTimeZone: "W. Europe Standard Time", start: { dateTime: "2030-03-10T08:00:00.0000000", timeZone: "UTC" } });
    expect((await client.api(`/me/events/${created.id}`).patch({ subject: "Buffer (moved)" })).subject).toBe("Buffer (moved)");
    const schedule = await client.api("/me/calendar/getSchedule").post({ schedules: ["grace@contoso.test"], startTime: { dateTime: "2030-03-10T08:00:00", timeZone: "UTC" }, endTime: { dateTime: "2030-03-10T10:00:00", timeZone: "UTC" }, availabilityViewInterval: 30 });
    expect(schedule.value[0].availabilityView).toBe("2200");
    await client.api(`/me/events/${created.id}`).delete();
    expect((await graphFailure(client.api(`/me/events/${created.id}`).get())).statusCode).toBe(404);

    await client.api("/me/sendMail").post({ message: { subject: "Sorry I missed you", body: { contentType: "Text", content: "Could Tuesday work?" }, toRecipients: [{ emailAddress: { address: "client@fabrikam.test" } }] }, saveToSentItems: true });
    expect(emulator.control.sentMail().at(-1)).toMatchObject({ provider: "microsoft", to: ["client@fabrikam.test"], subject: "Sorry I missed you" });

    emulator.control.expireAccessTokens("grace@contoso.test");
    const expired = await graphFailure(client.api("/me").get());
    expect([expired.statusCode, expired.code]).toEqual([401, "InvalidAuthenticationToken"]);
  });

  it("validates subscriptions, then notifies changes and lifecycle events", async () => {
    const client = graph((await connectMicrosoft(emulator, "grace@contoso.test")).access_token);
    const receiver = await new WebhookReceiver().start();
    try {
      const expirationDateTime = new Date(emulator.control.now() + 2 * DAY).toISOString();
      const request = { changeType: "created,updated,deleted", notificationUrl: `${receiver.url}/webhooks/microsoft`, lifecycleNotificationUrl: `${receiver.url}/webhooks/microsoft/lifecycle`, resource: "me/events", expirationDateTime, clientState: "s3cret" };
      receiver.echoValidationToken = false;
      expect((await graphFailure(client.api("/subscriptions").post(request))).statusCode).toBe(400);
      receiver.echoValidationToken = true;
      receiver.received.length = 0;
      const subscription = await client.api("/subscriptions").post(request);
      expect(receiver.received.map((r) => new URL(r.url, "http://x").searchParams.has("validationToken"))).toEqual([true, true]);

      const event = emulator.control.createEvent("grace@contoso.test", { summary: "Ping", start: at(5 * DAY), end: at(5 * DAY + 1_800_000) });
      emulator.control.sendGraphLifecycleNotification(subscription.id, "reauthorizationRequired");
      await emulator.control.settleWebhooks();
      const [change, lifecycle] = receiver.received.slice(2).map((r) => JSON.parse(r.body) as { value: Record<string, unknown>[] });
      expect(change?.value[0]).toMatchObject({ subscriptionId: subscription.id, clientState: "s3cret", changeType: "created", resourceData: { id: event.id } });
      expect(lifecycle?.value[0]).toMatchObject({ subscriptionId: subscription.id, lifecycleEvent: "reauthorizationRequired" });

      const renewed = await client.api(`/subscriptions/${subscription.id}`).patch({ expirationDateTime: new Date(emulator.control.now() + 3 * DAY).toISOString() });
      expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.parse(expirationDateTime));
      await client.api(`/subscriptions/${subscription.id}`).delete();
    } finally {
      await receiver.stop();
    }
  });

  it("shows attendance reports to the organiser only", async () => {
    const ago = (ms: number): string => at(-DAY - ms); // relative to the emulator's clock (base - 1 day)
    const event = emulator.control.createEvent("grace@contoso.test", { summary: "Teams call", start: ago(2 * 3_600_000), end: ago(3_600_000), teams: true, attendees: [{ email: "alan@contoso.test" }] });
    const joinWebUrl = event.teamsJoinUrl ?? "";
    emulator.control.addTeamsAttendance({ organizer: "grace@contoso.test", joinWebUrl, meetingStart: ago(2 * 3_600_000), meetingEnd: ago(3_600_000), records: [{ email: "alan@contoso.test", name: "Alan Turing", joinTime: ago(2 * 3_600_000 - 60_000), leaveTime: ago(3_600_000) }] });
    const grace = graph((await connectMicrosoft(emulator, "grace@contoso.test")).access_token);
    // The docs URL-encode the join URL inside the filter literal.
    const meetings = await grace.api("/me/onlineMeetings").filter(`JoinWebUrl eq '${encodeURIComponent(joinWebUrl)}'`).get();
    const meetingId: string = meetings.value[0].id;
    const reports = await grace.api(`/me/onlineMeetings/${meetingId}/attendanceReports`).get();
    const records = await grace.api(`/me/onlineMeetings/${meetingId}/attendanceReports/${reports.value[0].id}/attendanceRecords`).get();
    expect(records.value[0]).toMatchObject({ emailAddress: "alan@contoso.test", totalAttendanceInSeconds: 3540, role: "Attendee" });

    const alan = graph((await connectMicrosoft(emulator, "alan@contoso.test")).access_token);
    expect((await alan.api("/me/onlineMeetings").filter(`JoinWebUrl eq '${joinWebUrl}'`).get()).value).toEqual([]);
    expect((await graphFailure(alan.api(`/me/onlineMeetings/${meetingId}/attendanceReports`).get())).statusCode).toBe(403);
  });
});
