import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/platform/clock.js";
import type { DraftView } from "../../src/recovery/drafts/draft-view.js";
import { waitForMeeting } from "../support/connect.js";
import { CookieClient } from "../support/cookie-client.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { casesOf, draftsOf, eventually } from "../recovery/support/recovery-helpers.js";

const LATE = "Quarterly review with Northwind Traders";
const MISSED = "Onboarding call with Acme Logistics";

interface AlertView {
  id: string;
  kind: string;
  meetingId: string | null;
  status: string;
  answer: string | null;
  answeredAt: string | null;
  withdrawn: boolean;
  undo: { allowed: true } | { allowed: false; reason: string } | null;
}
type ErrorBody = { error: { code: string; message: string } };

/** One open /api/alerts/stream: the events it received so far, and a wait for the one wanted. */
async function openStream(client: CookieClient) {
  const response = await client.fetch("/api/alerts/stream");
  expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
  const reader = response.body!.getReader();
  const events: Array<{ event: string; data: unknown }> = [];
  let buffer = "";
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += new TextDecoder().decode(value);
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: data ? JSON.parse(data) : null });
      }
    }
  })();
  return {
    events,
    next: <T>(match: (event: { event: string; data: unknown }) => boolean, what: string) => eventually(async () => events.find(match) as T | undefined, what, { timeout: 10_000 }),
    close: async () => {
      await reader.cancel();
      await pump;
    },
  };
}

/**
 * The alert lifecycle over the real API and event stream (issue 12): answers are server state,
 * pushed to every open page; a confirmed miss can be undone until something was sent; a check-in
 * withdraws the late notice still waiting; ids that are gone answer in words.
 */
describe("an alert's lifecycle", () => {
  // Tuesday 2026-11-10, 12:00 in New York.
  const clock = new FixedClock(new Date("2026-11-10T17:00:00Z"));
  let harness: Harness;
  let tab1: CookieClient;
  let tab2: CookieClient;
  const alertsOf = async (client: CookieClient) => (await client.json<{ alerts: AlertView[] }>("/api/alerts?includeWithdrawn=true")).body.alerts;
  const alertFor = async (meetingId: string, kind: string) => (await alertsOf(tab1)).find((a) => a.meetingId === meetingId && a.kind === kind)!;
  const post = <T>(client: CookieClient, url: string, body: unknown = {}) => client.json<T>(url, { method: "POST", body: JSON.stringify(body) });

  beforeAll(async () => {
    harness = await startHarness({ clock, env: { SANDBOX: "true" } });
    // Two sign-ins of the same sandbox user: two tabs (or a laptop and a phone).
    for (const index of [1, 2]) {
      const client = new CookieClient(harness.baseUrl);
      const response = await client.fetch("/auth/sandbox", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ timeZone: "America/New_York" }) });
      expect(response.status).toBe(303);
      if (index === 1) tab1 = client;
      else tab2 = client;
    }
    await waitForMeeting(tab1, LATE, (m) => m.state === "late", 15_000);
    await waitForMeeting(tab1, MISSED, (m) => m.state === "suspected_missed", 15_000);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("\"Tell them\" in one tab answers the late alert; the other tab's stream gets the answered alert", async () => {
    const late = await waitForMeeting(tab1, LATE, (m) => m.state === "late");
    const before = await alertFor(late.id, "late");
    expect(before).toMatchObject({ status: "open", answer: null, withdrawn: false });
    const stream = await openStream(tab2);
    try {
      const notice = await post<DraftView>(tab1, `/api/meetings/${late.id}/running-late`, { minutes: 12 });
      expect(notice.body).toMatchObject({ kind: "late_notice", status: "pending" });
      const pushed = await stream.next<{ data: AlertView }>((e) => e.event === "alert" && (e.data as AlertView).id === before.id, "the answered alert on the other tab's stream");
      expect(pushed.data).toMatchObject({ status: "answered", withdrawn: true, answer: expect.stringMatching(/^Late notice drafted \(“there by .+”\): approve it in Drafts$/) });
      expect(pushed.data.answeredAt).toBe(clock.now().toISOString());
    } finally {
      await stream.close();
    }
    // After a reload too: it is the server's state, not the page's memory.
    expect(await alertFor(late.id, "late")).toMatchObject({ status: "answered", answer: expect.stringMatching(/^Late notice drafted \(“there by .+”\): approve it in Drafts$/) });
  });

  it("\"I'm here\" withdraws the late notice still waiting for approval, and the card says so", async () => {
    const late = await waitForMeeting(tab1, LATE, (m) => m.state === "late");
    const checkIn = await post<{ state: string }>(tab1, `/api/meetings/${late.id}/attended`);
    expect(checkIn).toEqual({ status: 200, body: { id: late.id, state: "attended" } });
    const notice = (await draftsOf(tab1)).find((d) => d.kind === "late_notice" && d.meetingId === late.id)!;
    expect(notice).toMatchObject({ status: "rejected", withdrawnReason: "Late notice withdrawn: you're here." });
    expect(await alertFor(late.id, "late")).toMatchObject({ status: "answered", answer: "Checked in. Late notice withdrawn: you're here." });
    // Withdrawn by the service, it cannot be brought back by "Restore".
    const restore = await post<ErrorBody>(tab1, `/api/drafts/${notice.id}/restore`);
    expect(restore.status).toBe(409);
    expect(restore.body.error.message).toBe("Late notice withdrawn: you're here. It can't be restored.");
  });

  it("\"Yes, I missed it\" can be undone while nothing was sent: the case goes, its drafts are withdrawn, the question asks again", async () => {
    const missed = await waitForMeeting(tab1, MISSED, (m) => m.state === "suspected_missed");
    expect(await alertFor(missed.id, "suspected_missed")).toMatchObject({ status: "open", undo: null });
    expect((await post(tab1, `/api/meetings/${missed.id}/confirm`, { missed: true })).status).toBe(200);
    const opened = await eventually(async () => (await casesOf(tab1)).find((c) => c.meetingId === missed.id && c.proposal.draftId), "the case with its proposal");
    expect(await alertFor(missed.id, "suspected_missed")).toMatchObject({ status: "answered", answer: "Confirmed missed: your recovery plan is under Recovery", undo: { allowed: true } });

    const stream = await openStream(tab2);
    try {
      const undo = await post<{ state: string }>(tab1, `/api/meetings/${missed.id}/undo`);
      expect(undo).toEqual({ status: 200, body: { id: missed.id, state: "suspected_missed" } });
      const pushed = await stream.next<{ data: AlertView }>((e) => e.event === "alert" && (e.data as AlertView).meetingId === missed.id && (e.data as AlertView).status === "open", "the reopened alert on the other tab");
      expect(pushed.data).toMatchObject({ kind: "suspected_missed", answer: null, withdrawn: false });
    } finally {
      await stream.close();
    }
    expect((await casesOf(tab1)).find((c) => c.id === opened.id)).toBeUndefined();
    const proposal = (await draftsOf(tab1)).find((d) => d.id === opened.proposal.draftId)!;
    expect(proposal).toMatchObject({ status: "rejected", caseId: null, withdrawnReason: "Withdrawn: you undid “Yes, I missed it”." });
    expect(await harness.service.services.db.task.count({ where: { caseId: opened.id } })).toBe(0);
    const again = await waitForMeeting(tab1, MISSED, (m) => m.state === "suspected_missed");
    expect(again.state).toBe("suspected_missed");
  });

  it("confirming again opens a fresh case; Reject on its proposal can be undone (Restore)", async () => {
    const missed = await waitForMeeting(tab1, MISSED, (m) => m.state === "suspected_missed");
    expect((await post(tab1, `/api/meetings/${missed.id}/confirm`, { missed: true })).status).toBe(200);
    const fresh = await eventually(async () => (await casesOf(tab1)).find((c) => c.meetingId === missed.id && c.proposal.draftId), "a fresh case with its proposal");
    const draftId = fresh.proposal.draftId!;
    expect((await post<DraftView>(tab1, `/api/drafts/${draftId}/reject`)).body.status).toBe("rejected");
    const restored = await post<DraftView>(tab1, `/api/drafts/${draftId}/restore`);
    expect(restored).toMatchObject({ status: 200, body: { id: draftId, status: "pending" } });
  });

  it("once the proposal has gone out, undo is refused in words, and the alert says why beforehand", async () => {
    const missed = await waitForMeeting(tab1, MISSED, (m) => m.state === "missed");
    const theCase = (await casesOf(tab1)).find((c) => c.meetingId === missed.id)!;
    expect((await post(tab1, `/api/drafts/${theCase.proposal.draftId}/approve`)).status).toBe(200);
    await eventually(async () => (await draftsOf(tab1)).find((d) => d.id === theCase.proposal.draftId && d.status === "sent"), "the proposal to be sent");
    const reason = "Can't undo: an email about this meeting has already been sent (or is on its way).";
    expect((await alertFor(missed.id, "suspected_missed")).undo).toEqual({ allowed: false, reason });
    const undo = await post<ErrorBody>(tab1, `/api/meetings/${missed.id}/undo`);
    expect(undo).toEqual({ status: 409, body: { error: { code: "undo_not_possible", message: reason } } });
    expect((await waitForMeeting(tab1, MISSED, () => true)).state).toBe("missed");
  });

  it("ids that are gone answer 404 in words with a stable code, never the raw id", async () => {
    const gone = randomUUID();
    const cases: Array<[string, unknown, string, RegExp]> = [
      [`/api/meetings/${gone}/confirm`, { missed: true }, "meeting_not_found", /^This meeting is no longer on your calendar \(it was removed or the sandbox was started over\)\.$/],
      [`/api/meetings/${gone}/attended`, {}, "meeting_not_found", /no longer on your calendar/],
      [`/api/meetings/${gone}/undo`, {}, "meeting_not_found", /no longer on your calendar/],
      [`/api/drafts/${gone}/approve`, {}, "draft_not_found", /^This draft is no longer there/],
      [`/api/drafts/${gone}/restore`, {}, "draft_not_found", /^This draft is no longer there/],
      [`/api/alerts/${gone}/all-attended`, {}, "alert_not_found", /^This day summary is no longer there/],
    ];
    for (const [url, body, code, message] of cases) {
      const reply = await post<ErrorBody>(tab1, url, body);
      expect(reply.status, url).toBe(404);
      expect(reply.body.error.code, url).toBe(code);
      expect(reply.body.error.message, url).toMatch(message);
      expect(reply.body.error.message, url).not.toContain(gone);
    }
  });

  it("starting the sandbox over tells every open page to load again; the old alerts' ids then answer in words", async () => {
    const old = (await alertsOf(tab1)).find((a) => a.kind === "suspected_missed")!;
    const stream = await openStream(tab2);
    try {
      expect((await post(tab1, "/auth/sandbox/reset")).status).toBe(200);
      await stream.next((e) => e.event === "reset", "a reset event on the other tab");
    } finally {
      await stream.close();
    }
    expect((await alertsOf(tab2)).some((a) => a.id === old.id)).toBe(false);
    const stale = await post<ErrorBody>(tab2, `/api/meetings/${old.meetingId}/confirm`, { missed: true });
    expect(stale).toMatchObject({ status: 404, body: { error: { code: "meeting_not_found" } } });
  });
});
