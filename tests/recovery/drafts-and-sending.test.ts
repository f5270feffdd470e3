import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIL_SEND_WINDOW_MS } from "../../src/calendars/index.js";
import { sendDraft, sendDraftTask, SEND_IN_FLIGHT_MS, type DraftSendDependencies } from "../../src/recovery/drafts/send-draft.js";
import type { DraftView } from "../../src/recovery/drafts/draft-view.js";
import { FixedClock } from "../../src/platform/clock.js";
import { openCase } from "../../src/recovery/open-case-task.js";
import { connectAs, waitForMeeting } from "../support/connect.js";
import type { CookieClient } from "../support/cookie-client.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { draftsOf, eventually, syncNow } from "./support/recovery-helpers.js";

const MINUTE = 60_000;

describe("drafts: approval, late notices, scoping, and sending exactly once", () => {
  const clock = new FixedClock(new Date("2026-11-10T16:00:00Z"));
  let harness: Harness;
  let ann: CookieClient;
  let bea: CookieClient;
  let annId: string;
  let deps: DraftSendDependencies;
  const at = (minutes: number) => new Date(clock.now().getTime() + minutes * MINUTE).toISOString();
  const guests = [
    { email: "ann@example.com", name: "Ann Lee", response: "accepted" as const },
    { email: "dana@client.example", name: "Dana Smith", response: "accepted" as const },
  ];
  const post = <T>(browser: CookieClient, path: string, body: unknown = {}) => browser.json<T>(path, { method: "POST", body: JSON.stringify(body) });
  /** An approved draft straight in the table, with no send task queued (the test drives sending). */
  const approvedDraft = async (subject: string) =>
    harness.service.services.db.draft.create({
      data: { userId: annId, meetingId: (await harness.service.services.db.meeting.findFirstOrThrow({ where: { title: "Weekly sync" } })).id, kind: "late_notice", to: ["dana@client.example"], subject, body: `${subject}: body`, idempotencyKey: `test:${randomUUID()}`, status: "approved", approvedAt: clock.now() },
    });

  beforeAll(async () => {
    harness = await startHarness({ clock });
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    control.addUser({ provider: "google", email: "bea@example.com", name: "Bea Cole" });
    control.addUser({ provider: "google", email: "dana@client.example", name: "Dana Smith" });
    control.createEvent("ann@example.com", { summary: "Weekly sync", start: at(-10), end: at(20), attendees: guests });
    control.createEvent("ann@example.com", { summary: "Design call", start: at(-5), end: at(25), attendees: guests });
    control.createEvent("ann@example.com", { summary: "Old pitch", start: at(-120), end: at(-90), attendees: guests });
    ann = await connectAs(harness, "google", "ann@example.com");
    bea = await connectAs(harness, "google", "bea@example.com");
    await waitForMeeting(ann, "Old pitch", () => true);
    annId = (await harness.service.services.db.user.findFirstOrThrow({ where: { email: "ann@example.com" } })).id;
    deps = { ...harness.service.services.recovery, mailer: harness.service.services.mailer };
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("\"tell them I'm N minutes late\" previews, then drafts, a notice with the typed minutes plus a shown margin as an arrival time; past the end it offers other times", async () => {
    const meeting = await waitForMeeting(ann, "Weekly sync", () => true);
    // 16:00 now, the meeting began at 15:50 and ends at 16:20: 10 more minutes + 5 margin → 4:15 PM.
    const preview = await ann.json<{ minutes: number; marginMinutes: number; arriveBy: string; arriveByText: string; sentence: string; fits: boolean; body: string }>(`/api/meetings/${meeting.id}/running-late/preview?minutes=10`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ minutes: 10, countedFrom: "now", marginMinutes: 5, arriveByText: "4:15 PM", sentence: "I'll be there by 4:15 PM.", fits: true });
    // A promise the form no longer matches (the minute turned since the preview) is not sent: the user sees the new one first.
    const stale = await post<{ error: { code: string; message: string } }>(ann, `/api/meetings/${meeting.id}/running-late`, { minutes: 10, arriveBy: "2026-11-10T16:10:00.000Z", fits: true });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: "late_notice_moved", message: expect.stringContaining("I'll be there by 4:15 PM") });
    expect(await draftsOf(ann)).toEqual([]);
    const first = await post<DraftView>(ann, `/api/meetings/${meeting.id}/running-late`, { minutes: 10, arriveBy: preview.body.arriveBy, fits: true });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ kind: "late_notice", meetingId: meeting.id, caseId: null, status: "pending", to: ["dana@client.example"], sentAt: null });
    // What was previewed is what is drafted.
    expect(first.body.body).toBe(preview.body.body);
    expect(first.body.body).toContain("I'll be there by 4:15 PM.");
    expect(first.body.body).not.toMatch(/about \d+ minutes/);
    // 20 minutes would bring them in after the end: no ETA, another time instead.
    const tooLate = await ann.json<{ fits: boolean; sentence: string | null }>(`/api/meetings/${meeting.id}/running-late/preview?minutes=20`);
    expect(tooLate.body).toMatchObject({ fits: false, sentence: null });
    const again = await post<DraftView>(ann, `/api/meetings/${meeting.id}/running-late`, { minutes: 20 });
    expect(again.body).toMatchObject({ id: first.body.id, status: "pending", subject: "Can't make it in time: Weekly sync" });
    expect(again.body.body).toContain("I can't make our \"Weekly sync\" in time");
    expect(again.body.body).not.toContain("be there by");
    // Out of range: a plain message with the allowed range.
    for (const minutes of [0, 241]) {
      const refused = await post<{ error: { message: string } }>(ann, `/api/meetings/${meeting.id}/running-late`, { minutes });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain("Type how many minutes late, from 1 to 240.");
    }
    expect((await ann.json(`/api/meetings/${meeting.id}/running-late/preview?minutes=`)).status).toBe(400);
    expect(harness.emulator.control.sentMail()).toHaveLength(0);
  });

  it("when someone else organised the meeting in another zone, the arrival time is written in theirs too", async () => {
    harness.emulator.control.createEvent("ann@example.com", { summary: "Client call", start: at(-10), end: at(50), timeZone: "America/New_York", organizer: { email: "dana@client.example", name: "Dana Smith" }, attendees: guests });
    await syncNow(harness, "ann@example.com", clock, "test: a new event");
    const meeting = await waitForMeeting(ann, "Client call", () => true, 15_000);
    const preview = await ann.json<{ arriveByText: string; sentence: string }>(`/api/meetings/${meeting.id}/running-late/preview?minutes=10`);
    expect(preview.body).toMatchObject({ arriveByText: "4:15 PM UTC (11:15 AM EST)", sentence: "I'll be there by 4:15 PM UTC (11:15 AM EST)." });
  });

  it("with auto-send on, the late notice is sent at once from the user's mailbox", async () => {
    expect((await ann.json("/api/settings", { method: "PUT", body: JSON.stringify({ autoSendLateNotice: true }) })).status).toBe(200);
    const meeting = await waitForMeeting(ann, "Design call", () => true);
    const reply = await post<DraftView>(ann, `/api/meetings/${meeting.id}/running-late`, { minutes: 5 });
    expect(reply.body.status).toBe("approved");
    await eventually(async () => (await draftsOf(ann)).find((d) => d.id === reply.body.id && d.status === "sent"), "the late notice to be sent");
    const mail = harness.emulator.control.sentMail();
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ to: ["dana@client.example"], subject: reply.body.subject });
    // 5 minutes from 16:00 (the meeting began at 15:55) + 3 margin, up to the five-minute mark.
    expect(mail[0]!.body).toContain("I'll be there by 4:10 PM.");
  });

  it("another user can neither see nor approve, reject or resend a draft, nor see or change a case (404)", async () => {
    const meeting = await waitForMeeting(ann, "Old pitch", () => true);
    const caseId = await harness.service.services.db.$transaction((tx) => openCase(tx, { id: meeting.id, userId: annId }, 180, clock.now()));
    const draft = (await draftsOf(ann)).find((d) => d.status === "pending")!;
    expect(await draftsOf(bea)).toEqual([]);
    expect((await bea.json<{ cases: unknown[] }>("/api/cases")).body.cases).toEqual([]);
    expect((await bea.json(`/api/drafts/${draft.id}`)).status).toBe(404);
    for (const action of ["approve", "reject", "resend"]) expect((await post(bea, `/api/drafts/${draft.id}/${action}`)).status).toBe(404);
    expect((await bea.json(`/api/cases/${caseId}`)).status).toBe(404);
    expect((await post(bea, `/api/cases/${caseId}/phone`, { phone: "+1 415 555 0132" })).status).toBe(404);
    expect((await post(bea, `/api/cases/${caseId}/link`, { meetingId: meeting.id })).status).toBe(404);
    expect((await bea.json(`/api/cases/${caseId}/notes`, { method: "PUT", body: JSON.stringify({ likes: "sailing" }) })).status).toBe(404);
    // Still pending for its owner; and without a session nothing is shown at all.
    expect((await ann.json<DraftView>(`/api/drafts/${draft.id}`)).body.status).toBe("pending");
    expect((await fetch(`${harness.baseUrl}/api/drafts`)).status).toBe(401);
    // A cross-site request with the owner's cookie is refused.
    expect((await ann.json(`/api/drafts/${draft.id}/reject`, { method: "POST", headers: { origin: "https://evil.example" }, body: "{}" })).status).toBe(403);
    // The owner's own actions work, and the number they type is normalised.
    const withPhone = await post<{ call: { phone: { e164: string; telUri: string } } }>(ann, `/api/cases/${caseId}/phone`, { phone: "+1 (415) 555-0132" });
    expect(withPhone.body.call.phone).toMatchObject({ e164: "+14155550132", telUri: "tel:+14155550132" });
    expect((await post(ann, `/api/cases/${caseId}/phone`, { phone: "call me maybe" })).status).toBe(400);
  });

  it("crash window: an attempt recorded without an outcome is never repeated; the draft fails as 'outcome unknown' and the user is alerted", async () => {
    const before = harness.emulator.control.sentMail().length;
    const draft = await approvedDraft("Crashed send");
    // The worker recorded its attempt, the provider accepted the message, and the worker died
    // before recording the outcome; its lease ran out long ago.
    await harness.service.services.db.draft.update({ where: { id: draft.id }, data: { sendAttemptedAt: new Date(clock.now().getTime() - 10 * MINUTE) } });
    expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("outcome_unknown");
    expect(harness.emulator.control.sentMail()).toHaveLength(before);
    const failed = (await draftsOf(ann)).find((d) => d.id === draft.id)!;
    expect(failed).toMatchObject({ status: "failed", outcomeUnknown: true, sentAt: null });
    expect(failed.lastError).toMatch(/^Outcome unknown/);
    const alerts = (await ann.json<{ alerts: Array<{ kind: string; title: string }> }>("/api/alerts")).body.alerts;
    expect(alerts.filter((a) => a.kind === "send_outcome_unknown").map((a) => a.title)).toEqual(['Check whether "Crashed send" was sent']);
    // Running it again (a retry, a second worker) changes nothing.
    expect(await sendDraft(deps, draft.id, harness.logs.log)).toBe("not_approved");
    expect(harness.emulator.control.sentMail()).toHaveLength(before);

    // The user checked their Sent folder and decides to resend: exactly one message goes out.
    const resent = await post<DraftView>(ann, `/api/drafts/${draft.id}/resend`);
    expect(resent.body.status).toBe("approved");
    const sent = await eventually(async () => (await draftsOf(ann)).find((d) => d.id === draft.id && d.status === "sent"), "the resend");
    expect(harness.emulator.control.sentMail()).toHaveLength(before + 1);
    expect(harness.emulator.control.sentMail().at(-1)).toMatchObject({ subject: "Crashed send", messageId: sent.messageId });
    const remaining = (await ann.json<{ alerts: Array<{ kind: string }> }>("/api/alerts")).body.alerts.filter((a) => a.kind === "send_outcome_unknown");
    expect(remaining).toEqual([]);
  });

  it("an attempt that may still be in flight is waited for, not repeated", async () => {
    const before = harness.emulator.control.sentMail().length;
    const draft = await approvedDraft("Slow send");
    await harness.service.services.db.draft.update({ where: { id: draft.id }, data: { sendAttemptedAt: new Date(clock.now().getTime() - MAIL_SEND_WINDOW_MS) } });
    await expect(sendDraft(deps, draft.id, harness.logs.log)).rejects.toMatchObject({ code: "send_in_flight", retryable: true });
    expect(harness.emulator.control.sentMail()).toHaveLength(before);
    expect((await harness.service.services.db.draft.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("approved");
    // The window has closed, but a request that had fully arrived may still be processed: a margin.
    expect(SEND_IN_FLIGHT_MS).toBeGreaterThan(MAIL_SEND_WINDOW_MS);
  });

  it("a send task that runs out of attempts leaves no approved draft waiting silently", async () => {
    const { db } = harness.service.services;
    const task = sendDraftTask(deps);
    const giveUp = (draftId: string) => db.$transaction((tx) => task.gaveUp!({ draftId }, { tx, now: clock.now(), log: harness.logs.log, lastError: "Gmail messages.send: Backend Error", task: { id: randomUUID(), kind: task.kind, payload: { draftId }, attempts: 20, maxAttempts: 20, dueAt: clock.now(), idempotencyKey: `send_draft:${draftId}:approved` } }));
    // Nothing was attempted (the provider kept refusing): failed, with the reason, to resend later.
    const refused = await approvedDraft("Kept refusing");
    await giveUp(refused.id);
    expect(await db.draft.findUniqueOrThrow({ where: { id: refused.id } })).toMatchObject({ status: "failed", lastError: expect.stringMatching(/^Not sent after repeated tries \(Gmail messages\.send: Backend Error\)\. Resend it/) });
    // An attempt without an outcome: the user is asked to look in their Sent folder.
    const attempted = await approvedDraft("Kept dying");
    await db.draft.update({ where: { id: attempted.id }, data: { sendAttemptedAt: clock.now() } });
    await giveUp(attempted.id);
    expect((await db.draft.findUniqueOrThrow({ where: { id: attempted.id } })).lastError).toMatch(/^Outcome unknown/);
    expect(await db.alert.count({ where: { kind: "send_outcome_unknown", idempotencyKey: { startsWith: `send_outcome_unknown:${attempted.id}:` } } })).toBe(1);
    // A draft that went out meanwhile is left alone.
    const sent = await approvedDraft("Went out");
    await db.draft.update({ where: { id: sent.id }, data: { status: "sent", sentAt: clock.now() } });
    await giveUp(sent.id);
    expect(await db.draft.findUniqueOrThrow({ where: { id: sent.id } })).toMatchObject({ status: "sent", lastError: null });
  });

  it("two workers sending the same draft at once send it once", async () => {
    const before = harness.emulator.control.sentMail().length;
    const draft = await approvedDraft("Raced send");
    const results = await Promise.allSettled([sendDraft(deps, draft.id, harness.logs.log), sendDraft(deps, draft.id, harness.logs.log), sendDraft(deps, draft.id, harness.logs.log)]);
    const outcomes = results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as { code: string }).code));
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(1);
    expect(outcomes.every((o) => o === "sent" || o === "send_in_flight" || o === "already_sent")).toBe(true);
    expect(harness.emulator.control.sentMail()).toHaveLength(before + 1);
    const row = await harness.service.services.db.draft.findUniqueOrThrow({ where: { id: draft.id } });
    expect(row).toMatchObject({ status: "sent", sentVia: "mailbox" });
    expect(row.messageId).toMatch(/^<draft\.[0-9a-f-]+@localhost>$/);
  });

  it("a rejected draft is never sent, and a pending one cannot be sent without approval", async () => {
    const pending = (await draftsOf(ann)).find((d) => d.status === "pending")!;
    const rejected = await post<DraftView>(ann, `/api/drafts/${pending.id}/reject`);
    expect(rejected.body.status).toBe("rejected");
    expect((await post(ann, `/api/drafts/${pending.id}/approve`)).status).toBe(409);
    expect(await sendDraft(deps, pending.id, harness.logs.log)).toBe("not_approved");
  });

  it("the user closes a case by hand: GET /api/cases shows it closed, its queued steps are cancelled; another user cannot", async () => {
    const meeting = await waitForMeeting(ann, "Design call", () => true);
    const caseId = await harness.service.services.db.$transaction((tx) => openCase(tx, { id: meeting.id, userId: annId }, 180, clock.now()));
    type Listed = { cases: Array<{ id: string; status: string; closedAt: string | null }> };
    expect((await ann.json<Listed>("/api/cases?status=open")).body.cases.find((c) => c.id === caseId)).toMatchObject({ status: "open", closedAt: null });
    expect((await post(bea, `/api/cases/${caseId}/close`)).status).toBe(404);
    const closed = await post<{ status: string; closedAt: string }>(ann, `/api/cases/${caseId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: "closed", closedAt: clock.now().toISOString() });
    expect((await post(ann, `/api/cases/${caseId}/close`)).body).toMatchObject({ status: "closed", closedAt: clock.now().toISOString() });
    expect((await ann.json<Listed>("/api/cases?status=closed")).body.cases.map((c) => c.id)).toContain(caseId);
    expect((await ann.json<Listed>("/api/cases?status=open")).body.cases.map((c) => c.id)).not.toContain(caseId);
    // The gift prompt was still hours away: it will not run for a closed case.
    const gift = await harness.service.services.db.task.findFirstOrThrow({ where: { caseId, kind: "gift_prompt" } });
    expect(gift.status).toBe("cancelled");
  });

  it("lists the draft routes in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${harness.baseUrl}/docs/json`)).json()) as { paths: Record<string, unknown> };
    for (const path of ["/api/drafts", "/api/drafts/{id}/approve", "/api/drafts/{id}/reject", "/api/drafts/{id}/resend", "/api/cases", "/api/cases/{id}/link", "/api/cases/{id}/close", "/api/meetings/{id}/running-late"]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
