import { calendar } from "@googleapis/calendar";
import { meet } from "@googleapis/meet";
import { Client, GraphError } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./server.js";
import { PERSONAL_TENANT_ID } from "./state.js";
import { connectGoogle, connectMicrosoft, GOOGLE_SCOPES, MICROSOFT_SCOPES } from "./test-support.js";

let emulator: Emulator;
const base = Date.UTC(2030, 5, 3, 9, 0, 0);
const at = (offsetMs: number): string => new Date(base + offsetMs).toISOString();
const MINUTE = 60_000;
const WITH_PRESENCE = `${MICROSOFT_SCOPES} Presence.Read MailboxSettings.Read`;

beforeAll(async () => {
  emulator = await startEmulator({ now: () => base });
  emulator.control.addUser({ provider: "microsoft", email: "wanda@contoso.test", name: "Wanda Work" });
  emulator.control.addUser({ provider: "microsoft", email: "pat@outlook.test", name: "Pat Personal", tenantId: PERSONAL_TENANT_ID, timeZone: "Europe/Dublin" });
  emulator.control.addUser({ provider: "google", email: "gus@example.com", name: "Gus" });
  emulator.control.addUser({ provider: "google", email: "hana@example.com", name: "Hana", timeZone: "Asia/Tokyo" });
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

async function control(path: string, body: object): Promise<Response> {
  return fetch(`${emulator.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

describe("Graph presence", () => {
  it("reports Available for a work account until told otherwise, by the JS handle or over HTTP", async () => {
    const api = graph((await connectMicrosoft(emulator, "wanda@contoso.test", WITH_PRESENCE)).access_token);
    expect(await api.api("/me/presence").get()).toMatchObject({ availability: "Available", activity: "Available" });

    emulator.control.setPresence("wanda@contoso.test", { availability: "Busy", activity: "InACall" });
    expect(await api.api("/me/presence").get()).toMatchObject({ availability: "Busy", activity: "InACall" });

    const response = await control("/_emulator/presence", { account: "wanda@contoso.test", availability: "Away", activity: "Away" });
    expect(response.status).toBe(200);
    expect(await api.api("/me/presence").get()).toMatchObject({ id: expect.any(String), availability: "Away", activity: "Away" });
    emulator.control.setPresence("wanda@contoso.test", { availability: "Available", activity: "Available" });
  });

  it("follows a scheduled presence as the emulator clock moves through it", async () => {
    const api = graph((await connectMicrosoft(emulator, "wanda@contoso.test", WITH_PRESENCE)).access_token);
    const from = emulator.control.now() + 10 * MINUTE;
    emulator.control.setPresence("wanda@contoso.test", { availability: "Busy", activity: "InAConferenceCall" }, { from: new Date(from).toISOString(), until: new Date(from + 30 * MINUTE).toISOString() });
    expect(await api.api("/me/presence").get()).toMatchObject({ activity: "Available" });
    emulator.control.advanceTime(10 * MINUTE);
    expect(await api.api("/me/presence").get()).toMatchObject({ availability: "Busy", activity: "InAConferenceCall" });
    emulator.control.advanceTime(30 * MINUTE);
    expect(await api.api("/me/presence").get()).toMatchObject({ activity: "Available" });
  });

  it("answers a personal account 400 AuthenticationError, and a token without Presence.Read 403", async () => {
    const personal = await graphFailure(graph((await connectMicrosoft(emulator, "pat@outlook.test", WITH_PRESENCE)).access_token).api("/me/presence").get());
    expect(personal).toMatchObject({ statusCode: 400, code: "AuthenticationError" });
    const unconsented = await graphFailure(graph((await connectMicrosoft(emulator, "wanda@contoso.test")).access_token).api("/me/presence").get());
    expect(unconsented).toMatchObject({ statusCode: 403, code: "Forbidden" });
  });

  it("applies injected throttling to presence like any Graph route", async () => {
    const api = graph((await connectMicrosoft(emulator, "wanda@contoso.test", WITH_PRESENCE)).access_token);
    emulator.control.addFault({ method: "GET", path: "/v1.0/me/presence", kind: "rateLimit", retryAfterSeconds: 7 });
    const response = await fetch(`${emulator.url}/v1.0/me/presence`, { headers: { authorization: `Bearer ${(await connectMicrosoft(emulator, "wanda@contoso.test", WITH_PRESENCE)).access_token}` } });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(await api.api("/me/presence").get()).toMatchObject({ availability: "Available" });
  });
});

describe("Time zones", () => {
  it("gives a Microsoft account's zone from mailboxSettings, in both documented forms, as set", async () => {
    const api = graph((await connectMicrosoft(emulator, "wanda@contoso.test", WITH_PRESENCE)).access_token);
    expect(await api.api("/me/mailboxSettings").get()).toMatchObject({ timeZone: "Pacific Standard Time", workingHours: { timeZone: { name: "Pacific Standard Time" } } });
    expect((await control("/_emulator/time-zone", { account: "wanda@contoso.test", provider: "microsoft", timeZone: "W. Europe Standard Time" })).status).toBe(200);
    expect(await api.api("/me/mailboxSettings/timeZone").get()).toMatchObject({ value: "W. Europe Standard Time" });
    const personal = graph((await connectMicrosoft(emulator, "pat@outlook.test", WITH_PRESENCE)).access_token);
    expect(await personal.api("/me/mailboxSettings").get()).toMatchObject({ timeZone: "Europe/Dublin" });
  });

  it("refuses mailboxSettings without MailboxSettings.Read (403 ErrorAccessDenied)", async () => {
    const failure = await graphFailure(graph((await connectMicrosoft(emulator, "wanda@contoso.test")).access_token).api("/me/mailboxSettings").get());
    expect(failure).toMatchObject({ statusCode: 403, code: "ErrorAccessDenied" });
  });

  it("gives a Google account's timezone setting through settings.get, UTC unless set", async () => {
    const withRead = [...GOOGLE_SCOPES, "https://www.googleapis.com/auth/calendar.readonly"];
    const gus = calendar({ version: "v3", rootUrl: emulator.env.GOOGLE_API_ROOT_URL, auth: await connectGoogle(emulator, "gus@example.com", withRead) });
    expect((await gus.settings.get({ setting: "timezone" })).data).toMatchObject({ kind: "calendar#setting", id: "timezone", value: "UTC", etag: expect.any(String) });
    const hana = calendar({ version: "v3", rootUrl: emulator.env.GOOGLE_API_ROOT_URL, auth: await connectGoogle(emulator, "hana@example.com", withRead) });
    expect((await hana.settings.get({ setting: "timezone" })).data.value).toBe("Asia/Tokyo");
    expect((await hana.calendarList.list()).data.items?.[0]?.timeZone).toBe("Asia/Tokyo");
    await expect(hana.settings.get({ setting: "noSuchSetting" }, { retry: false })).rejects.toMatchObject({ status: 404 });

    const eventsOnly = calendar({ version: "v3", rootUrl: emulator.env.GOOGLE_API_ROOT_URL, auth: await connectGoogle(emulator, "hana@example.com") });
    await expect(eventsOnly.settings.get({ setting: "timezone" }, { retry: false })).rejects.toMatchObject({ status: 403 });
  });
});

describe("Meet conferences that are still running", () => {
  it("lets a participant leave and the conference end, over HTTP", async () => {
    const { name } = emulator.control.addConferenceRecord({
      owner: "gus@example.com", meetingCode: "liv-ecal-lll", startTime: at(-5 * MINUTE),
      participants: [{ email: "gus@example.com", joinTime: at(-5 * MINUTE) }, { email: "hana@example.com", joinTime: at(-4 * MINUTE) }],
    });
    const api = meet({ version: "v2", rootUrl: emulator.env.GOOGLE_MEET_ROOT_URL, auth: await connectGoogle(emulator, "gus@example.com") });
    const present = async () => (await api.conferenceRecords.participants.list({ parent: name, filter: "latest_end_time IS NULL" })).data.participants?.length ?? 0;
    expect(await present()).toBe(2);

    expect((await control(`/_emulator/meet/conferences/${name.split("/")[1]}/leave`, { email: "hana@example.com" })).status).toBe(200);
    expect(await present()).toBe(1);
    expect((await api.conferenceRecords.get({ name })).data.endTime).toBeUndefined();

    expect((await control(`/_emulator/meet/conferences/${name.split("/")[1]}/end`, { at: at(0) })).status).toBe(200);
    expect(await present()).toBe(0);
    expect((await api.conferenceRecords.get({ name })).data.endTime).toBe(at(0));
  });
});
