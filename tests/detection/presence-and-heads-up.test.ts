import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/run-job.js";
import { syncJob } from "../../jobs/sync.js";
import { FixedClock } from "../../src/platform/clock.js";
import type { MeetingView } from "../../src/detection/meetings/meeting-view-schema.js";
import { PERSONAL_TENANT_ID } from "../emulator/state.js";
import type { CookieClient } from "../support/cookie-client.js";
import { connectAs, meetingsOf, tickTo } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { settleTasks } from "../sync/support.js";

/**
 * Teams presence as the live signal, with the providers' failures, and heads-ups before the
 * next meeting, over the emulator on a clock the test moves (Tue 2026-11-17, UTC).
 */
describe("presence and heads-ups", () => {
  const clock = new FixedClock(new Date("2026-11-17T08:00:00Z"));
  let harness: Harness;
  let tom: CookieClient;
  let pat: CookieClient;
  let ann: CookieClient;
  const query = "?from=2026-11-17T00:00:00Z&to=2026-11-18T00:00:00Z";
  const services = () => harness.service.services;
  const context = () => ({ ...services(), signal: new AbortController().signal });
  const tick = (iso: string) => tickTo(harness, clock, iso);
  const meetingOf = async (browser: CookieClient, title: string): Promise<MeetingView> => (await meetingsOf(browser, query)).find((m) => m.title === title)!;
  const alertKinds = async (meetingId: string) => (await services().db.alert.findMany({ where: { meetingId }, orderBy: { createdAt: "asc" } })).map((a) => a.kind);
  const teams = (owner: string, summary: string, start: string, end: string, organizer: { email: string; name: string }) =>
    harness.emulator.control.createEvent(owner, { summary, start, end, teams: true, organizer, attendees: [{ email: owner, response: "accepted" }, { email: organizer.email, response: "accepted" }] }, "microsoft");

  beforeAll(async () => {
    harness = await startHarness({ clock });
    const { control } = harness.emulator;
    const lee = { email: "lee@contoso.example", name: "Lee Park" };
    control.addUser({ provider: "microsoft", email: "tom@contoso.example", name: "Tom Rivers", timeZone: "UTC" });
    control.addUser({ provider: "microsoft", email: lee.email, name: lee.name });
    control.addUser({ provider: "microsoft", email: "pat@outlook.example", name: "Pat Home", tenantId: PERSONAL_TENANT_ID, timeZone: "UTC" });
    teams("tom@contoso.example", "Team standup", "2026-11-17T09:00:00Z", "2026-11-17T09:15:00Z", lee);
    teams("tom@contoso.example", "Pipeline review", "2026-11-17T10:00:00Z", "2026-11-17T10:30:00Z", lee);
    teams("tom@contoso.example", "Forecast call", "2026-11-17T11:00:00Z", "2026-11-17T11:30:00Z", lee);
    teams("pat@outlook.example", "Pat's Teams call", "2026-11-17T09:00:00Z", "2026-11-17T09:30:00Z", lee);

    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    control.addUser({ provider: "google", email: "dana@client.example", name: "Dana Smith" });
    const guests = [
      { email: "ann@example.com", response: "accepted" as const },
      { email: "dana@client.example", name: "Dana Smith", response: "accepted" as const },
    ];
    control.createEvent("ann@example.com", { summary: "Lunch at Nopa", start: "2026-11-17T12:00:00Z", end: "2026-11-17T13:00:00Z", attendees: guests, location: "Nopa, 560 Divisadero St" });
    control.createEvent("ann@example.com", { summary: "Site visit", start: "2026-11-17T13:00:00Z", end: "2026-11-17T14:00:00Z", attendees: guests, location: "Acme plant, 1 Industrial Way" });
    control.createEvent("ann@example.com", { summary: "Design review", start: "2026-11-17T14:00:00Z", end: "2026-11-17T14:25:00Z", attendees: guests, meet: "des-ignr-evw" });
    control.createEvent("ann@example.com", { summary: "Client call", start: "2026-11-17T14:35:00Z", end: "2026-11-17T15:00:00Z", attendees: guests, meet: "cli-entc-all" });
    control.createEvent("ann@example.com", { summary: "Board prep", start: "2026-11-17T16:00:00Z", end: "2026-11-17T16:30:00Z", attendees: guests, meet: "boa-rdpr-epp" });

    tom = await connectAs(harness, "microsoft", "tom@contoso.example");
    pat = await connectAs(harness, "microsoft", "pat@outlook.example");
    ann = await connectAs(harness, "google", "ann@example.com");
    await tick("2026-11-17T08:00:00Z");
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("a work account's Teams meetings organised by others are known by presence", async () => {
    expect(await meetingOf(tom, "Team standup")).toMatchObject({ evidenceSource: "presence", liveSignal: true });
    const connections = (await tom.json<{ connections: Array<{ presence: { status: string } }> }>("/api/connections")).body.connections;
    expect(connections[0]!.presence.status).toBe("available");
  });

  it("a personal account has no presence: said once on the connection, and its Teams meetings are check-in only", async () => {
    const connection = (await pat.json<{ connections: Array<{ presence: { status: string; note: string | null } }> }>("/api/connections")).body.connections[0]!;
    expect(connection.presence.status).toBe("unavailable");
    expect(connection.presence.note).toBeTruthy();
    const meeting = await meetingOf(pat, "Pat's Teams call");
    expect(meeting).toMatchObject({ evidenceSource: "check_in", liveSignal: false });
    await tick("2026-11-17T08:55:00Z");
    expect(await alertKinds(meeting.id)).toEqual(["nudge"]);
    // asked once: later syncs do not ask Graph again
    const presenceCalls = () => harness.emulator.control.requests({ pathPrefix: "/v1.0/me/presence" }).length;
    const before = presenceCalls();
    await runJob(syncJob, context(), { waitForLock: true });
    await settleTasks(harness);
    expect(presenceCalls()).toBe(before);
  });

  it("in the Teams call on time (presence 'in a call'): attended, never 'running late?'", async () => {
    harness.emulator.control.setPresence("tom@contoso.example", { availability: "Busy", activity: "InAConferenceCall" });
    await tick("2026-11-17T09:05:00Z");
    const standup = await meetingOf(tom, "Team standup");
    expect(standup.state).toBe("attended");
    expect(await alertKinds(standup.id)).toEqual([]);
    const evidence = await services().db.evidence.findMany({ where: { meetingId: standup.id } });
    expect(evidence.map((e) => e.kind)).toContain("presence_in_call");
  });

  it("'InAMeeting' comes from the calendar and is no evidence: not in the call → 'running late?', then 'did you miss it?'", async () => {
    harness.emulator.control.setPresence("tom@contoso.example", { availability: "Busy", activity: "InAMeeting" });
    await tick("2026-11-17T10:05:00Z");
    const review = await meetingOf(tom, "Pipeline review");
    expect(review.state).toBe("late");
    await tick("2026-11-17T10:41:00Z");
    expect(await alertKinds(review.id)).toEqual(["late", "suspected_missed"]);
  });

  it("presence throttled (429 with Retry-After): no question until it can be read, then the right one", async () => {
    harness.emulator.control.setPresence("tom@contoso.example", { availability: "Available", activity: "Available" });
    harness.emulator.control.addFault({ path: "/v1.0/me/presence", kind: "rateLimit", retryAfterSeconds: 60, times: 1 });
    await tick("2026-11-17T11:05:00Z");
    const forecast = await meetingOf(tom, "Forecast call");
    expect(await alertKinds(forecast.id)).toEqual([]);
    // Tom joins while Graph asks us to wait; once it lets us read, he is seen in the call.
    harness.emulator.control.setPresence("tom@contoso.example", { availability: "Busy", activity: "InACall" });
    await tick("2026-11-17T11:06:30Z");
    await tick("2026-11-17T11:07:00Z");
    expect((await meetingOf(tom, "Forecast call")).state).toBe("attended");
    expect(await alertKinds(forecast.id)).toEqual([]);
  });

  it("back to back at two places: a heads-up fifteen minutes before the second, with the late notice one tap away", async () => {
    await tick("2026-11-17T12:44:00Z");
    const visit = await meetingOf(ann, "Site visit");
    expect(await alertKinds(visit.id)).not.toContain("heads_up");
    await tick("2026-11-17T12:45:00Z");
    const alert = await services().db.alert.findFirstOrThrow({ where: { meetingId: visit.id, kind: "heads_up" } });
    expect(alert.body).toContain("Lunch at Nopa ends at 1:00 PM UTC at Nopa, 560 Divisadero St");
    expect(alert.body).toContain("Site visit starts at 1:00 PM UTC at Acme plant, 1 Industrial Way");
  });

  it("still in a call that should have ended: a heads-up two minutes before the next meeting", async () => {
    harness.emulator.control.addConferenceRecord({ owner: "ann@example.com", meetingCode: "des-ignr-evw", startTime: "2026-11-17T14:00:00Z", participants: [{ email: "ann@example.com", joinTime: "2026-11-17T14:00:00Z" }, { email: "dana@client.example", joinTime: "2026-11-17T14:00:00Z" }] });
    await tick("2026-11-17T14:33:00Z");
    const next = await meetingOf(ann, "Client call");
    const alert = await services().db.alert.findFirstOrThrow({ where: { meetingId: next.id, kind: "heads_up" } });
    expect(alert.title).toBe("Still in Design review? Client call starts at 2:35 PM UTC");
  });

  it("Meet refusing to show the conference (403): the meeting becomes check-in only, says why, and asks nothing", async () => {
    harness.emulator.control.addFault({ path: "/v2/conferenceRecords", kind: "forbidden", times: 10 });
    await tick("2026-11-17T16:05:00Z");
    const prep = await meetingOf(ann, "Board prep");
    expect(prep).toMatchObject({ evidenceSource: "check_in", liveSignal: false, state: "in_progress" });
    expect(prep.evidenceNote).toMatch(/refused/);
    expect(await alertKinds(prep.id)).toEqual([]);
    harness.emulator.control.clearFaults();
  });
});
