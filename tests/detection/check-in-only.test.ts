import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendDigestTask } from "../../src/detection/digest.js";
import { FixedClock } from "../../src/platform/clock.js";
import type { MeetingView } from "../../src/detection/meetings/meeting-view-schema.js";
import { runDirectly } from "../notify/support/alerts.js";
import { startSmtpSink, type SmtpSink } from "../notify/support/smtp-sink.js";
import type { CookieClient } from "../support/cookie-client.js";
import { connectAs, meetingsOf, tickTo } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { settleTasks } from "../sync/support.js";

/**
 * A day of meetings no signal can see, for a Google user in New York (Tue 2026-11-17, working
 * day 09:00–17:00 = 14:00–22:00 UTC), on a clock the test moves: a nudge before the lunch, no
 * "running late?" and no "did you miss …?" one by one, one digest at 17:00 with exactly the
 * meetings that got no check-in, sent once however often it is run, answered in one tap; and
 * nothing at all about yesterday's meetings, which ended before the calendar was connected.
 */
describe("check-in-only meetings: a nudge before, one digest after", () => {
  const clock = new FixedClock(new Date("2026-11-17T13:00:00Z"));
  let harness: Harness;
  let sink: SmtpSink;
  let ann: CookieClient;
  const query = "?from=2026-11-16T00:00:00Z&to=2026-11-18T00:00:00Z";
  const services = () => harness.service.services;
  const tick = (iso: string) => tickTo(harness, clock, iso);
  const meeting = async (title: string): Promise<MeetingView> => (await meetingsOf(ann, query)).find((m) => m.title === title)!;
  const alertsOf = (kind: string) => services().db.alert.findMany({ where: { kind: kind as "digest" } });
  const emailsTo = (address: string) => sink.messages.filter((mail) => mail.envelopeTo.includes(address));

  beforeAll(async () => {
    sink = await startSmtpSink();
    harness = await startHarness({ clock, env: { SMTP_URL: sink.url } });
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    control.addUser({ provider: "google", email: "dana@client.example", name: "Dana Smith" });
    const guests = [
      { email: "ann@example.com", response: "accepted" as const },
      { email: "dana@client.example", name: "Dana Smith", response: "accepted" as const },
    ];
    // Yesterday, before Ann signed up: a Meet she missed (Dana joined) and a lunch.
    control.createEvent("ann@example.com", { summary: "Yesterday's pitch", start: "2026-11-16T15:00:00Z", end: "2026-11-16T15:30:00Z", attendees: guests, meet: "yes-terd-ays" });
    control.addConferenceRecord({ owner: "ann@example.com", meetingCode: "yes-terd-ays", startTime: "2026-11-16T15:00:00Z", endTime: "2026-11-16T15:30:00Z", participants: [{ email: "dana@client.example", joinTime: "2026-11-16T15:00:00Z", leaveTime: "2026-11-16T15:29:00Z" }] });
    control.createEvent("ann@example.com", { summary: "Yesterday's lunch", start: "2026-11-16T17:00:00Z", end: "2026-11-16T18:00:00Z", attendees: guests, location: "Balthazar, 80 Spring St, New York" });
    // Today.
    control.createEvent("ann@example.com", { summary: "Lunch with Dana", start: "2026-11-17T17:00:00Z", end: "2026-11-17T18:00:00Z", attendees: guests, location: "Nopa, 560 Divisadero St" });
    control.createEvent("ann@example.com", { summary: "Call with Dana", start: "2026-11-17T19:00:00Z", end: "2026-11-17T19:30:00Z", attendees: guests, location: "+1 415 555 0100" });
    control.createEvent("ann@example.com", { summary: "Zoom demo", start: "2026-11-17T20:00:00Z", end: "2026-11-17T20:30:00Z", attendees: guests, location: "https://acme.zoom.us/j/123456789" });

    ann = await connectAs(harness, "google", "ann@example.com");
    expect((await ann.json("/api/settings", { method: "PUT", body: JSON.stringify({ timeZone: "America/New_York" }) })).status).toBe(200);
    await tick("2026-11-17T13:00:00Z");
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("says how each meeting can be known", async () => {
    expect(await meeting("Lunch with Dana")).toMatchObject({ evidenceSource: "check_in", liveSignal: false, evidenceSourceReason: expect.stringMatching(/^In person \(Nopa, 560 Divisadero St\): we can't see it/) });
    expect((await meeting("Call with Dana")).evidenceSourceReason).toMatch(/^A phone call/);
    expect((await meeting("Zoom demo")).evidenceSourceReason).toMatch(/^Zoom doesn't tell us who joins/);
    expect(await meeting("Yesterday's pitch")).toMatchObject({ evidenceSource: "conference", liveSignal: true, evidenceSourceReason: "We'll see you join in Google Meet." });
  });

  it("sends nothing on first connect about meetings that ended before it", async () => {
    expect(await services().db.alert.count()).toBe(0);
    expect(sink.messages).toHaveLength(0);
    // They are in the history all the same, placed without a question.
    expect((await meeting("Yesterday's pitch")).state).toBe("suspected_missed");
  });

  it("nudges a few minutes before the lunch, in the feed only, and asks nothing after its start", async () => {
    await tick("2026-11-17T16:54:00Z");
    expect(await alertsOf("nudge")).toHaveLength(0);
    await tick("2026-11-17T16:55:00Z");
    const [nudge] = await alertsOf("nudge");
    expect(nudge).toMatchObject({ title: "Lunch with Dana starts at 12:00 PM EST" });
    expect(nudge!.body).toContain("tap I'm here");
    await tick("2026-11-17T17:20:00Z");
    expect(await services().db.alert.count({ where: { kind: { in: ["late", "suspected_missed"] } } })).toBe(0);
    expect(emailsTo("ann@example.com")).toHaveLength(0);
  });

  it("a check-in settles the call; the others are not asked one by one when they end", async () => {
    await tick("2026-11-17T19:01:00Z");
    const call = await meeting("Call with Dana");
    expect((await ann.json(`/api/meetings/${call.id}/attended`, { method: "POST", body: "{}" })).body).toMatchObject({ state: "attended" });
    await tick("2026-11-17T20:45:00Z");
    expect((await meeting("Lunch with Dana")).state).toBe("suspected_missed");
    expect((await meeting("Zoom demo")).state).toBe("suspected_missed");
    expect(await services().db.alert.count({ where: { kind: { in: ["late", "suspected_missed", "digest"] } } })).toBe(0);
  });

  it("at the end of the working day, one digest lists the two meetings without a check-in, by email once", async () => {
    await tick("2026-11-17T21:59:00Z");
    expect(await alertsOf("digest")).toHaveLength(0);
    await tick("2026-11-17T22:00:00Z");
    const digests = await alertsOf("digest");
    expect(digests).toHaveLength(1);
    const [digest] = digests;
    expect(digest!.title).toBe("Were you at these 2 meetings?");
    expect(digest!.body).toContain("Lunch with Dana");
    expect(digest!.body).toContain("Zoom demo");
    expect(digest!.body).not.toContain("Call with Dana");
    expect(digest!.body).not.toContain("Yesterday");
    await settleTasks(harness);
    await expect.poll(() => emailsTo("ann@example.com").length, { timeout: 10_000 }).toBe(1);
    expect(emailsTo("ann@example.com")[0]!.header("subject")).toBe("Were you at these 2 meetings?");
  });

  it("is sent exactly once: a second instance running the same digest, or a restart, adds nothing", async () => {
    const handler = sendDigestTask({ db: services().db, publicUrl: services().config.publicUrl, onAlertsRaised: services().detection.onAlertsRaised });
    const userId = (await services().db.connection.findFirstOrThrow({ where: { accountEmail: "ann@example.com" } })).userId;
    await Promise.all([runDirectly(handler, { userId, day: "2026-11-17" }, services().db, harness.logs.log), runDirectly(handler, { userId, day: "2026-11-17" }, services().db, harness.logs.log)]);
    await tick("2026-11-17T22:05:00Z");
    expect(await alertsOf("digest")).toHaveLength(1);
    expect(emailsTo("ann@example.com")).toHaveLength(1);
  });

  it("'I was at all of them' marks the listed meetings attended and withdraws the digest", async () => {
    const [digest] = await alertsOf("digest");
    const reply = await ann.json<{ meetings: Array<{ state: string }> }>(`/api/alerts/${digest!.id}/all-attended`, { method: "POST", body: "{}" });
    expect(reply.status).toBe(200);
    expect(reply.body.meetings.map((m) => m.state)).toEqual(["attended", "attended"]);
    expect((await services().db.alert.findUniqueOrThrow({ where: { id: digest!.id } })).withdrawnAt).not.toBeNull();
  });
});

describe("the organiser is another person on Microsoft too", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it("a 1:1 a colleague organises with only the user invited is watched", async () => {
    const { control } = harness.emulator;
    control.addUser({ provider: "microsoft", email: "cam@contoso.example", name: "Cam Diaz" });
    control.addUser({ provider: "microsoft", email: "lee@contoso.example", name: "Lee Park" });
    const start = new Date(Date.now() + 60 * 60_000);
    control.createEvent(
      "cam@contoso.example",
      { summary: "1:1 with Lee", start: start.toISOString(), end: new Date(start.getTime() + 30 * 60_000).toISOString(), teams: true, organizer: { email: "lee@contoso.example", name: "Lee Park" }, attendees: [{ email: "cam@contoso.example", response: "accepted" }] },
      "microsoft",
    );
    const cam = await connectAs(harness, "microsoft", "cam@contoso.example");
    await settleTasks(harness);
    const oneOnOne = (await meetingsOf(cam)).find((m) => m.title === "1:1 with Lee");
    expect(oneOnOne?.attendees.map((a) => a.email)).toEqual(["cam@contoso.example"]);
    expect(oneOnOne).toMatchObject({ watched: true, state: "upcoming", organizer: { email: "lee@contoso.example" } });
  });
});
