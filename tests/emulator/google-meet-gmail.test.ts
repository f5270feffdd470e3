import { gmail } from "@googleapis/gmail";
import { meet } from "@googleapis/meet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./server.js";
import { connectGoogle } from "./test-support.js";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
  emulator.control.addUser({ provider: "google", email: "ada@example.com", name: "Ada Lovelace" });
  emulator.control.addUser({ provider: "google", email: "eve@example.com", name: "Eve" });
});
afterAll(async () => emulator.close());

describe("Google Meet REST v2, Gmail and faults", () => {
  it("lists conference records by meeting code after the lag, to the owner only", async () => {
    const ada = emulator.control.addUser({ provider: "google", email: "ada@example.com" });
    const ended = new Date(emulator.control.now() - 60_000);
    const { name } = emulator.control.addConferenceRecord({
      owner: "ada@example.com", meetingCode: "abc-defg-hij", startTime: new Date(ended.getTime() - 1_800_000).toISOString(), endTime: ended.toISOString(), lagMs: 120_000,
      participants: [
        { email: "ada@example.com", joinTime: new Date(ended.getTime() - 1_700_000).toISOString(), leaveTime: ended.toISOString() },
        { kind: "anonymous", displayName: "Guest", joinTime: new Date(ended.getTime() - 1_800_000).toISOString() },
      ],
    });
    const api = meet({ version: "v2", rootUrl: emulator.env.GOOGLE_MEET_ROOT_URL, auth: await connectGoogle(emulator, "ada@example.com") });
    const filter = 'space.meeting_code = "abc-defg-hij"';
    expect((await api.conferenceRecords.list({ filter })).data.conferenceRecords).toBeUndefined();
    emulator.control.advanceTime(120_000);
    const records = await api.conferenceRecords.list({ filter });
    expect(records.data.conferenceRecords?.map((r) => r.name)).toEqual([name]);
    const participants = await api.conferenceRecords.participants.list({ parent: name, pageSize: 1 });
    expect(participants.data.participants?.[0]).toMatchObject({ anonymousUser: { displayName: "Guest" } });
    const second = await api.conferenceRecords.participants.list({ parent: name, pageSize: 1, pageToken: participants.data.nextPageToken ?? "" });
    expect(second.data.participants?.[0]).toMatchObject({ signedinUser: { user: `users/${ada.id}` } });

    const eve = meet({ version: "v2", rootUrl: emulator.env.GOOGLE_MEET_ROOT_URL, auth: await connectGoogle(emulator, "eve@example.com") });
    expect((await eve.conferenceRecords.list({ filter })).data.conferenceRecords).toBeUndefined();
  });

  it("stores mail sent with users.messages.send", async () => {
    const api = gmail({ version: "v1", rootUrl: emulator.env.GOOGLE_API_ROOT_URL, auth: await connectGoogle(emulator, "ada@example.com") });
    const raw = Buffer.from("From: Ada <ada@example.com>\r\nTo: Bob <bob@client.test>\r\nSubject: =?UTF-8?B?U29ycnkg4oCUIG5ldyB0aW1lPw==?=\r\nMessage-ID: <m1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCould Tuesday 10:00 work?\r\n").toString("base64url");
    const sent = await api.users.messages.send({ userId: "me", requestBody: { raw } });
    expect(sent.data.labelIds).toEqual(["SENT"]);
    expect(emulator.control.sentMail().at(-1)).toMatchObject({ provider: "google", to: ["bob@client.test"], subject: "Sorry — new time?", messageId: "<m1@example.com>", body: "Could Tuesday 10:00 work?\n" });
  });

  it("answers injected 429s with Retry-After and Google's error body", async () => {
    const client = await connectGoogle(emulator, "ada@example.com");
    emulator.control.addFault({ method: "GET", path: "/calendar/v3/calendars/*/events", kind: "rateLimit", retryAfterSeconds: 7, times: 1 });
    emulator.control.addFault({ path: "/calendar/v3/**", kind: "rateLimit", googleForm: "403-userRateLimitExceeded", times: 1 });
    const url = `${emulator.url}/calendar/v3/calendars/primary/events`;
    const headers = { authorization: `Bearer ${client.credentials.access_token ?? ""}` };
    const first = await fetch(url, { headers });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("7");
    expect(await first.json()).toMatchObject({ error: { code: 429, status: "RESOURCE_EXHAUSTED", errors: [{ reason: "rateLimitExceeded" }] } });
    const second = await fetch(url, { headers });
    expect(second.status).toBe(403);
    expect(await second.json()).toMatchObject({ error: { errors: [{ domain: "usageLimits", reason: "userRateLimitExceeded" }] } });
    expect((await fetch(url, { headers })).status).toBe(200);
  });
});
