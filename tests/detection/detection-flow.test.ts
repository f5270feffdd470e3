import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectJob } from "../../jobs/detect.js";
import { runJob } from "../../jobs/run-job.js";
import { CookieClient } from "../support/cookie-client.js";
import { connectAs, connectedLongAgo, meetingsOf, waitForMeeting } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";

const MINUTE = 60_000;

describe("detecting late and missed meetings from real evidence", () => {
  let harness: Harness;
  let ann: CookieClient;
  let cam: CookieClient;
  const now = Date.now();
  const at = (offsetMinutes: number) => new Date(now + offsetMinutes * MINUTE).toISOString();
  const detect = () => runJob(detectJob, { ...harness.service.services, signal: new AbortController().signal }, { waitForLock: true });
  const transitionsOf = async (meetingId: string) =>
    (await harness.service.services.db.stateTransition.findMany({ where: { meetingId }, orderBy: { at: "asc" } })).map((t) => `${t.fromState}→${t.toState}`);
  const alertKinds = async (meetingId: string) => (await harness.service.services.db.alert.findMany({ where: { meetingId } })).map((a) => a.kind).sort();

  beforeAll(async () => {
    harness = await startHarness();
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    control.addUser({ provider: "google", email: "dana@client.example", name: "Dana Smith" });
    const guests = [
      { email: "ann@example.com", response: "accepted" as const },
      { email: "dana@client.example", name: "Dana Smith", response: "accepted" as const },
    ];
    control.createEvent("ann@example.com", { summary: "Joined late", start: at(-12), end: at(18), attendees: guests, meet: "aaa-bbbb-ccc" });
    control.addConferenceRecord({
      owner: "ann@example.com",
      meetingCode: "aaa-bbbb-ccc",
      startTime: at(-12),
      participants: [
        { email: "dana@client.example", joinTime: at(-12) },
        { email: "ann@example.com", joinTime: at(-10) },
      ],
    });
    control.createEvent("ann@example.com", { summary: "Missed it", start: at(-60), end: at(-30), attendees: guests, meet: "ddd-eeee-fff" });
    control.addConferenceRecord({ owner: "ann@example.com", meetingCode: "ddd-eeee-fff", startTime: at(-60), endTime: at(-30), participants: [{ email: "dana@client.example", joinTime: at(-59), leaveTime: at(-31) }] });
    control.createEvent("ann@example.com", { summary: "Declined pitch", start: at(-40), end: at(-20), attendees: [{ email: "ann@example.com", response: "declined" }, { email: "dana@client.example", response: "accepted" }] });
    control.createEvent("ann@example.com", { id: "cancelme", summary: "Cancelled later", start: at(-20), end: at(40), attendees: guests, meet: "ggg-hhhh-iii" });

    control.addUser({ provider: "microsoft", email: "cam@contoso.example", name: "Cam Diaz" });
    control.addUser({ provider: "microsoft", email: "eve@contoso.example", name: "Eve Ng" });
    const teams = control.createEvent(
      "cam@contoso.example",
      { summary: "Teams review", start: at(-50), end: at(-25), teams: true, organizer: { email: "cam@contoso.example", name: "Cam Diaz" }, attendees: [{ email: "eve@contoso.example", response: "accepted" }] },
      "microsoft",
    );
    control.addTeamsAttendance({
      organizer: "cam@contoso.example",
      joinWebUrl: teams.teamsJoinUrl!,
      meetingStart: at(-50),
      meetingEnd: at(-25),
      records: [
        { email: "cam@contoso.example", role: "Organizer", joinTime: at(-49), leaveTime: at(-26) },
        { email: "eve@contoso.example", joinTime: at(-50), leaveTime: at(-26) },
      ],
    });
    control.createEvent(
      "cam@contoso.example",
      { summary: "Their Teams call", start: at(-50), end: at(-25), teams: true, organizer: { email: "eve@contoso.example", name: "Eve Ng" }, attendees: [{ email: "cam@contoso.example", response: "accepted" }, { email: "eve@contoso.example", response: "accepted" }] },
      "microsoft",
    );

    ann = await connectAs(harness, "google", "ann@example.com");
    cam = await connectAs(harness, "microsoft", "cam@contoso.example");
    await waitForMeeting(ann, "Cancelled later", (m) => m.state !== null);
    await waitForMeeting(cam, "Their Teams call", (m) => m.state !== null);
    // These meetings ended before the calendars were connected: placed quietly unless we had been watching.
    await connectedLongAgo(harness, "ann@example.com");
    await connectedLongAgo(harness, "cam@contoso.example");
    // The cron tick: queues attendance reads for meetings under way or just ended.
    await detect();
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("a Meet meeting first seen after the user joined is attended without any alert (the conference is asked first)", async () => {
    const meeting = await waitForMeeting(ann, "Joined late", (m) => m.state === "attended");
    expect(await transitionsOf(meeting.id)).toEqual(["upcoming→in_progress", "in_progress→attended"]);
    expect(await alertKinds(meeting.id)).toEqual([]);
  });

  it("a Meet meeting the others attended and the user did not is suspected; confirming it records the miss and queues the recovery case once", async () => {
    const meeting = await waitForMeeting(ann, "Missed it", (m) => m.state === "suspected_missed");
    expect(await alertKinds(meeting.id)).toEqual(["suspected_missed"]);
    const alert = await harness.service.services.db.alert.findFirstOrThrow({ where: { meetingId: meeting.id } });
    expect(alert.body).toMatch(/are you sure/i);

    const confirm = () => ann.json<{ state: string }>(`/api/meetings/${meeting.id}/confirm`, { method: "POST", body: JSON.stringify({ missed: true }) });
    expect(await confirm()).toEqual({ status: 200, body: { id: meeting.id, state: "missed" } });
    expect((await confirm()).body.state).toBe("missed");
    expect(await harness.service.services.db.task.count({ where: { kind: "open_recovery_case", idempotencyKey: `open_recovery_case:${meeting.id}` } })).toBe(1);
    expect((await harness.service.services.db.alert.findFirstOrThrow({ where: { meetingId: meeting.id } })).withdrawnAt).not.toBeNull();
  });

  it("a declined meeting is never watched", async () => {
    const meeting = (await meetingsOf(ann)).find((m) => m.title === "Declined pitch")!;
    expect(meeting).toMatchObject({ watched: false, state: null });
    expect(await transitionsOf(meeting.id)).toEqual([]);
  });

  it("a meeting cancelled after it started is excused and its pending alert withdrawn", async () => {
    // Its Meet has no record yet (nobody joined): after the grace it is "late".
    const before = await waitForMeeting(ann, "Cancelled later", (m) => m.state === "late");
    harness.emulator.control.cancelEvent("ann@example.com", "cancelme");
    await harness.service.services.db.$transaction((tx) => import("../../src/calendars/sync/sync-task.js").then(({ requestSync }) => requestSync(tx, before.connectionId, "test-cancel", new Date())));
    await expect.poll(async () => (await harness.service.services.db.meeting.findUniqueOrThrow({ where: { id: before.id } })).state, { timeout: 10_000 }).toBe("excused");
    expect((await harness.service.services.db.alert.findFirstOrThrow({ where: { meetingId: before.id, kind: "late" } })).withdrawnAt).not.toBeNull();
  });

  it("a Teams meeting whose attendance report shows the user is attended", async () => {
    const meeting = await waitForMeeting(cam, "Teams review", (m) => m.state === "attended");
    expect(await alertKinds(meeting.id)).toEqual([]);
  });

  it("a Teams meeting the user does not organise is known by presence; presence never read while it ran asks nothing on its own", async () => {
    const meeting = await waitForMeeting(cam, "Their Teams call", (m) => m.state === "suspected_missed");
    expect(meeting).toMatchObject({ evidenceSource: "presence", liveSignal: true, evidenceSourceReason: "We'll see you in the Teams call through your presence status." });
    expect(await alertKinds(meeting.id)).toEqual([]);
    expect(await harness.service.services.db.task.count({ where: { kind: "open_recovery_case", idempotencyKey: `open_recovery_case:${meeting.id}` } })).toBe(0);
  });

  it("streams new alerts to a connected dashboard", async () => {
    const response = await ann.fetch("/api/alerts/stream");
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const received = (async () => {
      let text = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += new TextDecoder().decode(value);
        if (text.includes("event: alert")) return text;
      }
    })();
    harness.emulator.control.createEvent("ann@example.com", { summary: "Stream me", start: at(-15), end: at(15), meet: "jjj-kkkk-lll", attendees: [{ email: "ann@example.com", response: "accepted" }, { email: "dana@client.example", response: "accepted" }] });
    const connection = await harness.service.services.db.connection.findFirstOrThrow({ where: { accountEmail: "ann@example.com" } });
    await harness.service.services.db.$transaction((tx) => import("../../src/calendars/sync/sync-task.js").then(({ requestSync }) => requestSync(tx, connection.id, "test-stream", new Date())));
    const text = await Promise.race([received, new Promise<string>((_, reject) => setTimeout(() => reject(new Error("no alert streamed")), 10_000))]);
    await reader.cancel();
    const data = JSON.parse(text.split("\n").find((line) => line.startsWith("data: "))!.slice(6)) as { kind: string; title: string };
    expect(data).toMatchObject({ kind: "late" });
    expect(data.title).toContain("Stream me");
  });
});
