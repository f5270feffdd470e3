import { detectJob } from "../../jobs/detect.js";
import { runJob } from "../../jobs/run-job.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/platform/clock.js";
import type { CaseView } from "../../src/recovery/case-service.js";
import type { DraftView } from "../../src/recovery/drafts/draft-view.js";
import type { OutboxMessageView } from "../../src/alerts/delivery/outbox-view-schema.js";
import type { MeetingView } from "../../src/detection/meetings/meeting-view-schema.js";
import { MISSED_CLIENT } from "../../src/calendars/sandbox/samples.js";
import { connectAs, meetingsOf, waitForMeeting } from "../support/connect.js";
import { CookieClient } from "../support/cookie-client.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { casesOf, draftsOf, eventually } from "../recovery/support/recovery-helpers.js";

const MINUTE = 60_000;
const ZONE = "America/New_York";
const TITLES = {
  late: "Quarterly review with Northwind Traders",
  missed: "Onboarding call with Acme Logistics",
  attended: "Contract check-in with Globex",
  laterToday: "Product demo for Initech",
  declined: "Vendor pitch from Hooli",
  tomorrow: "Budget planning with Umbrella Corp",
};

async function signInToSandbox(harness: Harness, body: Record<string, string> = { timeZone: ZONE }): Promise<{ browser: CookieClient; response: Response }> {
  const browser = new CookieClient(harness.baseUrl);
  const response = await browser.fetch("/auth/sandbox", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { browser, response };
}

async function outboxOf(browser: CookieClient): Promise<OutboxMessageView[]> {
  const reply = await browser.json<{ messages: OutboxMessageView[] }>("/api/outbox");
  expect(reply.status).toBe(200);
  return reply.body.messages;
}

/**
 * The whole sandbox loop through HTTP, as the dashboard drives it, on a clock the test moves:
 * sign in → sample meetings with their states → late alert → "tell them I'm late" → missed →
 * confirm → call reminder → approve the proposal with an edit → exactly one outbox message →
 * the sample client accepts → buffer → simulated "held" → attended → thank-you draft.
 */
describe("the sandbox loop", () => {
  // Tuesday 2026-11-10, 12:00 in New York.
  const clock = new FixedClock(new Date("2026-11-10T17:00:00Z"));
  let harness: Harness;
  let browser: CookieClient;
  let recoveryCase: CaseView;
  let proposal: DraftView;
  const services = () => harness.service.services;
  const byTitle = async (title: string) => (await meetingsOf(browser)).find((m) => m.title === title);

  beforeAll(async () => {
    harness = await startHarness({ clock, env: { SANDBOX: "true" } });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("POST /auth/sandbox signs in with the session cookie and redirects to the dashboard; meetings are there at once", async () => {
    const signIn = await signInToSandbox(harness);
    browser = signIn.browser;
    expect(signIn.response.status).toBe(303);
    expect(signIn.response.headers.get("location")).toBe("/?connected=sandbox");
    expect(browser.cookie("mg_session")).toBeTruthy();
    const connections = await browser.json<{ connections: Array<{ provider: string; accountEmail: string; status: string }> }>("/api/connections");
    expect(connections.body.connections).toEqual([expect.objectContaining({ provider: "sandbox", status: "active" })]);
    // Synced inline: no waiting for a worker before the first listing.
    const meetings = await meetingsOf(browser);
    expect(meetings.map((m) => m.title)).toEqual(expect.arrayContaining(Object.values(TITLES)));
    expect(meetings.every((m) => m.provider === "sandbox")).toBe(true);
    const missed = meetings.find((m) => m.title === TITLES.missed)!;
    expect(missed.attendees.find((a) => !a.isSelf)).toMatchObject({ email: MISSED_CLIENT.email, name: MISSED_CLIENT.name });
  });

  it("the samples sit where the clock puts them, in the user's zone, and detection gives each its state", async () => {
    const late = await waitForMeeting(browser, TITLES.late, (m) => m.state === "late", 15_000);
    expect(clock.now().getTime() - Date.parse(late.start)).toBe(8 * MINUTE);
    expect(late.conference.url).toMatch(/^https:\/\/conference\.sandbox\.example\//);
    await waitForMeeting(browser, TITLES.missed, (m) => m.state === "suspected_missed", 15_000);
    await waitForMeeting(browser, TITLES.attended, (m) => m.state === "attended", 15_000);
    const upcoming = (await byTitle(TITLES.laterToday))!;
    expect(upcoming).toMatchObject({ watched: true, state: "upcoming" });
    const declined = (await byTitle(TITLES.declined))!;
    expect(declined).toMatchObject({ selfResponse: "declined", watched: false });
    const tomorrow = (await byTitle(TITLES.tomorrow))!;
    expect(new Date(tomorrow.start).toLocaleString("en-US", { timeZone: ZONE, weekday: "long", hour: "numeric", hour12: false })).toBe("Wednesday, 13");
    const settings = await browser.json<{ timeZone: string }>("/api/settings");
    expect(settings.body.timeZone).toBe(ZONE);
  });

  it("a second sign-in reuses the sandbox user and does not duplicate the samples", async () => {
    const eventsBefore = await services().db.sandboxEvent.count();
    const meetingsBefore = (await meetingsOf(browser)).length;
    // The start page's plain HTML form posts urlencoded.
    const again = { browser: new CookieClient(harness.baseUrl) };
    const form = await again.browser.fetch("/auth/sandbox", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "timeZone=Europe%2FBerlin" });
    expect(form.status).toBe(303);
    expect(again.browser.cookie("mg_session")).toBeTruthy();
    // An existing sandbox user keeps its zone.
    expect((await again.browser.json<{ timeZone: string }>("/api/settings")).body.timeZone).toBe(ZONE);
    const badZone = await new CookieClient(harness.baseUrl).json<{ error: { message: string; field?: string } }>("/auth/sandbox", { method: "POST", body: JSON.stringify({ timeZone: "Mars/Olympus" }) });
    expect(badZone.status).toBe(400);
    expect(badZone.body.error).toMatchObject({ field: "timeZone", message: `Time zone must be a zone name such as Europe/Berlin (got "Mars/Olympus").` });
    expect(await services().db.sandboxEvent.count()).toBe(eventsBefore);
    expect(await services().db.user.count()).toBe(1);
    expect((await meetingsOf(again.browser)).length).toBe(meetingsBefore);
  });

  it("the late alert is in the feed, and \"tell them I'm late\" drafts a notice to the others", async () => {
    const late = (await byTitle(TITLES.late))!;
    const alerts = await browser.json<{ alerts: Array<{ kind: string; meetingId: string | null; title: string }> }>("/api/alerts");
    expect(alerts.body.alerts.find((a) => a.kind === "late" && a.meetingId === late.id)).toBeTruthy();
    const notice = await browser.json<DraftView>(`/api/meetings/${late.id}/running-late`, { method: "POST", body: JSON.stringify({ minutes: 10 }) });
    expect(notice.status).toBe(200);
    expect(notice.body).toMatchObject({ kind: "late_notice", status: "pending" });
    expect([...notice.body.to].sort()).toEqual(["priya.raman@northwind.example", "tom.becker@northwind.example"]);
    expect(notice.body.body).toMatch(/I'll be there by \d{1,2}:\d{2} [AP]M/);
  });

  it("the missed meeting asks first; confirming opens a case whose call reminder dials the number from the description", async () => {
    const missed = (await byTitle(TITLES.missed))!;
    const alerts = await browser.json<{ alerts: Array<{ kind: string; meetingId: string | null }> }>("/api/alerts");
    expect(alerts.body.alerts.find((a) => a.kind === "suspected_missed" && a.meetingId === missed.id)).toBeTruthy();
    const confirm = await browser.json(`/api/meetings/${missed.id}/confirm`, { method: "POST", body: JSON.stringify({ missed: true }) });
    expect(confirm.status).toBe(200);
    recoveryCase = await eventually(async () => {
      const found = (await casesOf(browser)).find((c) => c.meetingId === missed.id);
      // The case view reads the case row and its drafts in separate queries: wait for both.
      return found?.proposal.draftId && found.proposal.slots.length > 0 && found.call.phone ? found : undefined;
    }, "the case with its call reminder and proposal");
    expect(recoveryCase.call.phone).toMatchObject({ e164: MISSED_CLIENT.e164, telUri: `tel:${MISSED_CLIENT.e164}` });
    expect(recoveryCase.call.script).toHaveLength(3);
    // Slots come from the sandbox's free/busy: never on top of tomorrow's sample meetings.
    const tomorrow = (await byTitle(TITLES.tomorrow))!;
    expect(recoveryCase.proposal.slots.length).toBeGreaterThanOrEqual(2);
    for (const slot of recoveryCase.proposal.slots) {
      expect(Date.parse(slot.start) < Date.parse(tomorrow.end) && Date.parse(slot.end) > Date.parse(tomorrow.start)).toBe(false);
    }
  });

  it("approving the proposal with an edit puts exactly one message, with the edited text, in the outbox", async () => {
    proposal = (await draftsOf(browser)).find((d) => d.id === recoveryCase.proposal.draftId)!;
    expect(proposal).toMatchObject({ kind: "reschedule", to: [MISSED_CLIENT.email], status: "pending" });
    expect(await outboxOf(browser)).toEqual([]);
    const edited = `${proposal.body}\n\nP.S. Happy to come to your office if that is easier.`;
    const approved = await browser.json<DraftView>(`/api/drafts/${proposal.id}/approve`, { method: "POST", body: JSON.stringify({ body: edited }) });
    expect(approved.status).toBe(200);
    const sent = await eventually(async () => (await draftsOf(browser)).find((d) => d.id === proposal.id && d.status === "sent"), "the proposal to be sent");
    expect(sent.sentVia).toBe("outbox");
    const outbox = await outboxOf(browser);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: "reschedule", to: [MISSED_CLIENT.email], subject: proposal.subject, text: edited, transport: "outbox", draftId: proposal.id });
    const preview = await browser.fetch("/outbox");
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain("<h1>Outbox</h1>");
    expect(html).toContain("Happy to come to your office");
  });

  it("the sample client accepts the first slot shortly after: the new meeting is recognised and a buffer placed before it", async () => {
    const [first] = recoveryCase.proposal.slots;
    expect(await services().db.sandboxEvent.count({ where: { sampleKey: { startsWith: "reschedule:" } } })).toBe(0);
    clock.advance(25_000);
    const withBuffer = await eventually(async () => {
      const found = (await casesOf(browser)).find((c) => c.id === recoveryCase.id);
      return found?.buffer ? found : undefined;
    }, "the rescheduled meeting and its buffer", { timeout: 30_000 });
    expect(withBuffer.rescheduled).toMatchObject({ title: TITLES.missed, start: first!.start, end: first!.end });
    expect(withBuffer.rescheduled!.meetingId).not.toBe(recoveryCase.meetingId);
    expect(withBuffer.buffer).toMatchObject({ start: new Date(Date.parse(first!.start) - 40 * MINUTE).toISOString(), end: first!.start, conflicts: [] });
    // The buffer is an event of the sandbox calendar, carrying the private marker.
    const buffer = await services().db.sandboxEvent.findUniqueOrThrow({ where: { id: withBuffer.buffer!.providerEventId } });
    expect(buffer.marker).toBeTruthy();
    expect(buffer.end.toISOString()).toBe(first!.start);
    // Still one message: the client's acceptance is a calendar event, not mail.
    expect(await outboxOf(browser)).toHaveLength(1);
  });

  it("the simulated \"held\" moves the rescheduled meeting into the recent past with the user in it: attended, then a thank-you draft", async () => {
    // Time moves on between calendar changes (the re-decide task after a sync is keyed by the time).
    clock.advance(1000);
    const held = await browser.json<{ title: string; start: string; end: string }>("/api/sandbox/simulate/rescheduled-meeting-held", { method: "POST", body: "{}" });
    expect(held.status).toBe(200);
    expect(Date.parse(held.body.end)).toBeLessThan(clock.now().getTime());
    const rescheduledId = (await casesOf(browser)).find((c) => c.id === recoveryCase.id)!.rescheduled!.meetingId;
    const rescheduled = (check: (m: MeetingView) => boolean) =>
      eventually(async () => (await meetingsOf(browser)).find((m) => m.id === rescheduledId && check(m)), "the rescheduled meeting's state", { timeout: 20_000 });
    await rescheduled((m) => m.start === held.body.start && m.state !== "upcoming");
    // The detect job (every minute under cron) reads the conference of meetings under way or just over.
    await runJob(detectJob, { ...services(), signal: new AbortController().signal }, { waitForLock: true });
    await rescheduled((m) => m.state === "attended");
    // The thank-you step first looks five minutes after the end.
    clock.advance(4 * MINUTE);
    const thankYou = await eventually(
      async () => (await draftsOf(browser)).find((d) => d.kind === "thank_you" && d.caseId === recoveryCase.id),
      "the thank-you draft",
      { timeout: 30_000, onSlow: () => clock.advance(11 * MINUTE) },
    );
    expect(thankYou).toMatchObject({ status: "pending", to: [MISSED_CLIENT.email] });
    expect(thankYou.body).toMatch(/thank you/i);
    expect(await outboxOf(browser)).toHaveLength(1);
  }, 60_000);

  it("sandbox-only routes refuse other users; reset starts the loop over without duplicates", async () => {
    harness.emulator.control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    const other = await connectAs(harness, "google", "ann@example.com");
    expect((await other.json("/auth/sandbox/reset", { method: "POST", body: "{}" })).status).toBe(403);
    expect((await other.json("/api/sandbox/simulate/rescheduled-meeting-held", { method: "POST", body: "{}" })).status).toBe(403);
    expect(await outboxOf(other)).toEqual([]);

    const reset = await browser.json<{ seeded: number }>("/auth/sandbox/reset", { method: "POST", body: "{}" });
    expect(reset.status).toBe(200);
    expect(reset.body.seeded).toBeGreaterThanOrEqual(6);
    expect(await outboxOf(browser)).toEqual([]);
    expect(await casesOf(browser)).toEqual([]);
    const titles = (await meetingsOf(browser)).map((m) => m.title);
    expect(titles.filter((t) => t === TITLES.missed)).toHaveLength(1);
    expect((await browser.json("/api/sandbox/simulate/rescheduled-meeting-held", { method: "POST", body: "{}" })).status).toBe(409);
  });

  it("GET /auth/providers offers every configured sign-in; the simulation is labelled in the API document", async () => {
    const anonymous = new CookieClient(harness.baseUrl);
    expect((await anonymous.json("/auth/providers")).body).toEqual({ google: true, microsoft: true, sandbox: true });
    const doc = await anonymous.json<{ paths: Record<string, { post?: { summary?: string } }> }>("/docs/json");
    expect(doc.body.paths["/api/sandbox/simulate/rescheduled-meeting-held"]?.post?.summary).toMatch(/^SIMULATION/);
    expect((await anonymous.json("/api/outbox")).status).toBe(401);
  });
});

describe("the sandbox with real credentials and no SANDBOX=true", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ env: { MICROSOFT_CLIENT_ID: "", MICROSOFT_CLIENT_SECRET: "" } });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("is off: /auth/sandbox answers 404 and /auth/providers says which buttons to show", async () => {
    const browser = new CookieClient(harness.baseUrl);
    const signIn = await browser.json<{ error: { code: string; message: string } }>("/auth/sandbox", { method: "POST", body: "{}" });
    expect(signIn.status).toBe(404);
    expect(signIn.body.error.code).toBe("sandbox_off");
    expect(signIn.body.error.message).toContain("SANDBOX=true");
    expect(browser.cookie("mg_session")).toBeUndefined();
    expect(await harness.service.services.db.user.count()).toBe(0);
    expect((await browser.json("/auth/providers")).body).toEqual({ google: true, microsoft: false, sandbox: false });
  });
});
