import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectJob } from "../../jobs/detect.js";
import { runJob } from "../../jobs/run-job.js";
import { FixedClock } from "../../src/platform/clock.js";
import { CookieClient } from "../support/cookie-client.js";
import { connectAs, waitForMeeting } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";

const MINUTE = 60_000;

/**
 * Detection as time passes, on a clock the test moves: the service, its task runner and
 * the detector all read it, so "five minutes later" takes no five minutes.
 */
describe("detection as the clock moves", () => {
  let harness: Harness;
  let ann: CookieClient;
  const clock = new FixedClock(new Date("2026-11-01T07:55:00Z"));
  const detect = () => runJob(detectJob, { ...harness.service.services, signal: new AbortController().signal }, { waitForLock: true });
  const transitionsOf = async (meetingId: string) =>
    (await harness.service.services.db.stateTransition.findMany({ where: { meetingId }, orderBy: [{ at: "asc" }, { toState: "asc" }] })).map((t) => `${t.fromState}→${t.toState}`);
  const guests = [
    { email: "ann@example.com", response: "accepted" as const },
    { email: "dana@client.example", name: "Dana Smith", response: "accepted" as const },
  ];

  beforeAll(async () => {
    harness = await startHarness({ clock });
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    control.addUser({ provider: "google", email: "dana@client.example", name: "Dana Smith" });
    // 2026-11-01 is the day DST ends in Los Angeles: 01:30 local happens twice,
    // first at 08:30Z (PDT), then at 09:30Z (PST).
    control.createEvent("ann@example.com", { summary: "Standup PDT", start: "2026-11-01T01:30:00-07:00", end: "2026-11-01T01:45:00-07:00", timeZone: "America/Los_Angeles", attendees: guests, meet: "lax-pdtt-one" });
    control.createEvent("ann@example.com", { summary: "Standup PST", start: "2026-11-01T01:30:00-08:00", end: "2026-11-01T01:45:00-08:00", timeZone: "America/Los_Angeles", attendees: guests, meet: "lax-pstt-two" });
    ann = await connectAs(harness, "google", "ann@example.com");
    await waitForMeeting(ann, "Standup PST", (m) => m.state === "upcoming", 10_000, "?from=2026-10-31T00:00:00Z&to=2026-11-03T00:00:00Z");
    const settings = await ann.json("/api/settings", { method: "PUT", body: JSON.stringify({ lateGraceMinutes: 1, timeZone: "America/Los_Angeles" }) });
    expect(settings.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  const query = "?from=2026-10-31T00:00:00Z&to=2026-11-03T00:00:00Z";

  it("stores both 01:30 meetings at their own instants, in the event's zone", async () => {
    const pdt = await waitForMeeting(ann, "Standup PDT", () => true, 5000, query);
    const pst = await waitForMeeting(ann, "Standup PST", () => true, 5000, query);
    expect(pdt).toMatchObject({ start: "2026-11-01T08:30:00.000Z", timeZone: "America/Los_Angeles" });
    expect(pst).toMatchObject({ start: "2026-11-01T09:30:00.000Z", timeZone: "America/Los_Angeles" });
  });

  it("a user who joins two minutes late after a one-minute grace gets a late alert, then is attended; the other 01:30 is untouched", async () => {
    clock.set(new Date("2026-11-01T08:31:05Z"));
    harness.emulator.control.addConferenceRecord({ owner: "ann@example.com", meetingCode: "lax-pdtt-one", startTime: "2026-11-01T08:30:00Z", participants: [{ email: "dana@client.example", joinTime: "2026-11-01T08:30:00Z" }] });
    await detect();
    const late = await waitForMeeting(ann, "Standup PDT", (m) => m.state === "late", 10_000, query);
    const alert = await harness.service.services.db.alert.findFirstOrThrow({ where: { meetingId: late.id, kind: "late" } });
    // The alert speaks the user's zone: 1:30 AM PDT, not 08:30.
    expect(`${alert.title} ${alert.body}`).toMatch(/1:30/);
    expect((await waitForMeeting(ann, "Standup PST", () => true, 5000, query)).state).toBe("upcoming");

    // Attendance is read again once the last read is two minutes old.
    clock.set(new Date("2026-11-01T08:34:00Z"));
    harness.emulator.control.addConferenceRecord({ owner: "ann@example.com", meetingCode: "lax-pdtt-one", startTime: "2026-11-01T08:30:00Z", participants: [{ email: "ann@example.com", joinTime: "2026-11-01T08:32:00Z" }] });
    await detect();
    const attended = await waitForMeeting(ann, "Standup PDT", (m) => m.state === "attended", 10_000, query);
    expect(await transitionsOf(attended.id)).toEqual(["upcoming→in_progress", "in_progress→late", "late→attended"]);
    expect((await harness.service.services.db.alert.findFirstOrThrow({ where: { meetingId: attended.id, kind: "late" } })).withdrawnAt).not.toBeNull();
  });

  it("the second 01:30 (PST) goes late an hour later, on its own instant", async () => {
    clock.set(new Date("2026-11-01T09:29:00Z"));
    await detect();
    expect((await waitForMeeting(ann, "Standup PST", () => true, 5000, query)).state).toBe("upcoming");
    clock.set(new Date("2026-11-01T09:31:30Z"));
    await detect();
    await waitForMeeting(ann, "Standup PST", (m) => m.state === "late", 10_000, query);
  });
});
