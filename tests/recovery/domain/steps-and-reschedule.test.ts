import { describe, expect, it } from "vitest";
import { bufferConflicts, caseFinished, caseSteps, pickRescheduledMeeting, planBuffer, type MeetingFacts, type StepFacts } from "../../../src/recovery/domain/index.js";

const now = new Date("2026-11-10T16:00:00Z");
const later = new Date("2026-11-10T19:00:00Z");
const done = (dueAt = now) => ({ status: "done" as const, dueAt, lastError: null });
const base: StepFacts = { now, tasks: {}, drafts: {}, stepsDone: {}, rescheduled: null, bufferPlaced: false };
const statusOf = (facts: Partial<StepFacts>) => Object.fromEntries(caseSteps({ ...base, ...facts }).map((s) => [s.kind, s.status]));

describe("case steps as the user reads them", () => {
  it("lists every step in order, waiting before anything ran", () => {
    expect(caseSteps(base).map((s) => s.kind)).toEqual(["call_reminder", "reschedule_proposal", "gift_prompt", "materials", "buffer_block", "thank_you"]);
    expect(new Set(Object.values(statusOf({})))).toEqual(new Set(["waiting"]));
  });

  it("right after opening: call and drafts due, gift waiting for its delay, buffer and thank-you waiting for the new meeting", () => {
    const opened = statusOf({
      tasks: { call_reminder: done(), reschedule_proposal: done(), materials: done(), gift_prompt: { status: "queued", dueAt: later, lastError: null } },
      drafts: { reschedule: "pending", materials: "pending" },
    });
    expect(opened).toEqual({ call_reminder: "due", reschedule_proposal: "due", gift_prompt: "waiting", materials: "due", buffer_block: "waiting", thank_you: "waiting" });
  });

  it("draft steps are done once sent or rejected; user steps once marked; the buffer once placed; thank-you needs the draft decided and the note written", () => {
    const facts: Partial<StepFacts> = {
      tasks: { call_reminder: done(), reschedule_proposal: done(), materials: done(), gift_prompt: done(later), buffer_block: done(), thank_you: done() },
      drafts: { reschedule: "sent", materials: "rejected", thank_you: "sent" },
      stepsDone: { call_reminder: now, gift_prompt: later },
      rescheduled: { cancelled: false, start: later },
      bufferPlaced: true,
    };
    expect(statusOf(facts)).toEqual({ call_reminder: "done", reschedule_proposal: "done", gift_prompt: "done", materials: "done", buffer_block: "done", thank_you: "due" });
    expect(statusOf({ ...facts, stepsDone: { ...facts.stepsDone, thank_you: later } }).thank_you).toBe("done");
  });

  it("a cancelled rescheduled meeting puts the buffer back to waiting; a failed task shows its problem", () => {
    const steps = caseSteps({ ...base, tasks: { reschedule_proposal: { status: "failed", dueAt: now, lastError: "Google freeBusy: HTTP 500" } }, rescheduled: { cancelled: true, start: later } });
    expect(steps.find((s) => s.kind === "buffer_block")!.status).toBe("waiting");
    expect(steps.find((s) => s.kind === "reschedule_proposal")).toMatchObject({ status: "due", problem: "Google freeBusy: HTTP 500" });
  });

  it("the buffer step is due until placed, and done without one once the new meeting has begun", () => {
    const linked = { ...base, rescheduled: { cancelled: false, start: later }, bufferPlaced: false };
    expect(caseSteps(linked).find((s) => s.kind === "buffer_block")!.status).toBe("due");
    expect(caseSteps({ ...linked, now: later }).find((s) => s.kind === "buffer_block")).toMatchObject({ status: "done", reason: "The new meeting has begun" });
  });

  it("a case is finished when every step is done or not needed any more, and not before", () => {
    const allDone: StepFacts = {
      ...base,
      tasks: { call_reminder: done(), reschedule_proposal: done(), materials: done(), gift_prompt: done(), buffer_block: done(), thank_you: done() },
      drafts: { reschedule: "sent", materials: "rejected", thank_you: "sent" },
      stepsDone: { call_reminder: now, gift_prompt: now, thank_you: now },
      rescheduled: { cancelled: false, start: later },
      bufferPlaced: true,
    };
    expect(caseFinished(allDone)).toBe(true);
    expect(caseFinished({ ...allDone, stepsDone: { call_reminder: now, gift_prompt: now } })).toBe(false);
    expect(caseFinished({ ...allDone, drafts: { ...allDone.drafts, materials: "pending" } })).toBe(false);
    expect(caseFinished({ ...allDone, rescheduled: null, bufferPlaced: false })).toBe(false);
    // The gift prompt was cancelled (not needed), everything else done.
    const { gift_prompt: _gift, ...otherDone } = allDone.stepsDone;
    expect(caseFinished({ ...allDone, stepsDone: otherDone, tasks: { ...allDone.tasks, gift_prompt: { status: "cancelled", dueAt: later, lastError: null } } })).toBe(true);
    // A step that failed for good keeps the case open.
    expect(caseFinished({ ...allDone, drafts: { ...allDone.drafts, materials: undefined }, tasks: { ...allDone.tasks, materials: { status: "failed", dueAt: now, lastError: "boom" } } })).toBe(false);
  });
});

describe("recognising the rescheduled meeting", () => {
  const opened = new Date("2026-11-10T16:00:00Z");
  const meeting = (id: string, over: Partial<MeetingFacts> = {}): MeetingFacts => ({
    id,
    start: new Date("2026-11-12T15:00:00Z"),
    end: new Date("2026-11-12T15:45:00Z"),
    firstSeenAt: new Date("2026-11-10T17:00:00Z"),
    cancelled: false,
    deleted: false,
    free: false,
    isBuffer: false,
    attendeeEmails: ["ann@example.com", "dana@client.example"],
    ...over,
  });
  const pick = (candidates: MeetingFacts[]) => pickRescheduledMeeting({ missed: { id: "missed", externalEmails: ["Dana@client.example"] }, openedAt: opened, candidates })?.id;

  it("takes the earliest later event with a shared external attendee, first seen after the case opened", () => {
    expect(pick([meeting("b", { start: new Date("2026-11-13T15:00:00Z") }), meeting("a")])).toBe("a");
  });

  it("ignores events seen before the case, earlier ones, cancelled, free, buffers, the missed meeting and strangers", () => {
    expect(
      pick([
        meeting("seen-before", { firstSeenAt: new Date("2026-11-09T10:00:00Z") }),
        meeting("earlier", { start: new Date("2026-11-10T15:00:00Z") }),
        meeting("cancelled", { cancelled: true }),
        meeting("free", { free: true }),
        meeting("buffer", { isBuffer: true }),
        meeting("missed"),
        meeting("stranger", { attendeeEmails: ["lee@else.example"] }),
      ]),
    ).toBeUndefined();
  });
});

describe("placing the buffer", () => {
  const start = new Date("2026-11-12T15:00:00Z");
  const range = { start: new Date("2026-11-12T14:20:00Z"), end: start };

  it("creates a buffer of the configured length (kept within 30–45) right before the meeting, moves it with the meeting, removes it when cancelled", () => {
    expect(planBuffer({ meeting: { start, cancelled: false, deleted: false }, placed: null, minutes: 40, now })).toEqual({ action: "create", range });
    expect(planBuffer({ meeting: { start, cancelled: false, deleted: false }, placed: null, minutes: 90, now })).toMatchObject({ range: { start: new Date("2026-11-12T14:15:00Z") } });
    expect(planBuffer({ meeting: { start, cancelled: false, deleted: false }, placed: range, minutes: 40, now })).toEqual({ action: "none" });
    const moved = new Date("2026-11-12T16:00:00Z");
    expect(planBuffer({ meeting: { start: moved, cancelled: false, deleted: false }, placed: range, minutes: 40, now })).toEqual({ action: "move", range: { start: new Date("2026-11-12T15:20:00Z"), end: moved } });
    expect(planBuffer({ meeting: { start, cancelled: true, deleted: false }, placed: range, minutes: 40, now })).toEqual({ action: "delete" });
    expect(planBuffer({ meeting: null, placed: null, minutes: 40, now })).toEqual({ action: "none" });
  });

  it("leaves a meeting that already started alone", () => {
    expect(planBuffer({ meeting: { start: new Date(now.getTime() - 60_000), cancelled: false, deleted: false }, placed: null, minutes: 40, now })).toEqual({ action: "none" });
    const pastBuffer = { start: new Date(now.getTime() - 41 * 60_000), end: new Date(now.getTime() - 60_000) };
    expect(planBuffer({ meeting: { start: new Date(now.getTime() - 60_000), cancelled: false, deleted: false }, placed: pastBuffer, minutes: 40, now })).toEqual({ action: "none" });
  });

  it("removes a buffer still ahead when its meeting moved to a time already past", () => {
    const aheadBuffer = { start: new Date("2026-11-12T14:20:00Z"), end: new Date("2026-11-12T15:00:00Z") };
    expect(planBuffer({ meeting: { start: new Date(now.getTime() - 30 * 60_000), cancelled: false, deleted: false }, placed: aheadBuffer, minutes: 40, now })).toEqual({ action: "delete" });
  });

  it("finds what overlaps the buffer, not what touches its edges, nor the meeting itself, buffers or free time", () => {
    const event = (id: string, s: string, e: string, over = {}) => ({ id, start: new Date(s), end: new Date(e), cancelled: false, deleted: false, free: false, isBuffer: false, ...over });
    const found = bufferConflicts(range, "meeting", [
      event("inside", "2026-11-12T14:30:00Z", "2026-11-12T14:45:00Z"),
      event("touching", "2026-11-12T14:00:00Z", "2026-11-12T14:20:00Z"),
      event("meeting", "2026-11-12T15:00:00Z", "2026-11-12T15:45:00Z"),
      event("ours", "2026-11-12T14:20:00Z", "2026-11-12T15:00:00Z", { isBuffer: true }),
      event("free", "2026-11-12T14:30:00Z", "2026-11-12T14:45:00Z", { free: true }),
    ]);
    expect(found.map((e) => e.id)).toEqual(["inside"]);
  });
});

describe("step texts agree with their state and time", () => {
  const zone = "America/Los_Angeles";
  const reasonOf = (facts: Partial<StepFacts>, kind: string) => caseSteps({ ...base, timeZone: zone, ...facts }).find((s) => s.kind === kind)!;
  const queuedGift = { status: "queued" as const, dueAt: later, lastError: null };

  it("a gift marked done before its suggested time is done (it used to stay waiting), and the case can finish", () => {
    expect(reasonOf({ tasks: { gift_prompt: queuedGift } }, "gift_prompt")).toMatchObject({ status: "waiting", reason: expect.stringMatching(/^Suggested at 11:00 AM, once your proposal has had time to land/) });
    expect(reasonOf({ tasks: { gift_prompt: queuedGift }, stepsDone: { gift_prompt: now } }, "gift_prompt")).toMatchObject({ status: "done", reason: "Marked done at 8:00 AM" });
    const allElse: StepFacts = {
      ...base,
      tasks: { call_reminder: done(), reschedule_proposal: done(), materials: done(), gift_prompt: queuedGift, buffer_block: done(), thank_you: done() },
      drafts: { reschedule: "sent", thank_you: "sent" },
      stepsDone: { call_reminder: now, materials: now, thank_you: now, gift_prompt: now },
      rescheduled: { cancelled: false, start: later },
      bufferPlaced: true,
    };
    expect(caseFinished(allElse)).toBe(true);
  });

  it("a sent draft says when it went, never 'approve'", () => {
    const sent = reasonOf({ tasks: { reschedule_proposal: done() }, drafts: { reschedule: "sent" }, draftsSentAt: { reschedule: new Date("2026-11-10T22:14:00Z") } }, "reschedule_proposal");
    expect(sent).toMatchObject({ status: "done", reason: "Sent at 2:14 PM" });
    const pending = reasonOf({ tasks: { reschedule_proposal: done() }, drafts: { reschedule: "pending" } }, "reschedule_proposal");
    expect(pending.reason).toBe("Read, edit and approve the proposal in Drafts");
    const thanks = reasonOf({ drafts: { thank_you: "sent" }, draftsSentAt: { thank_you: new Date("2026-11-09T22:14:00Z") }, rescheduled: { cancelled: false, start: now } }, "thank_you");
    expect(thanks).toMatchObject({ status: "due", reason: "Thank-you email sent on Mon, Nov 9, 2:14 PM; now write the handwritten note" });
  });

  it("the thank-you before the new meeting says it comes after it, with the meeting's time", () => {
    expect(reasonOf({ rescheduled: { cancelled: false, start: later } }, "thank_you")).toMatchObject({ status: "waiting", reason: "After the new meeting at 11:00 AM, once you attended it" });
    expect(reasonOf({ rescheduled: { cancelled: false, start: later }, stepsDone: { thank_you: now } }, "thank_you")).toMatchObject({ status: "waiting", reason: "Handwritten note marked done at 8:00 AM; the email is drafted after the new meeting" });
  });

  it("materials: a reminder until a link is added; the cover note waits for the proposal to be sent", () => {
    const opened = { tasks: { materials: done() } };
    expect(reasonOf(opened, "materials")).toMatchObject({ status: "due", reason: expect.stringMatching(/^Add a link to what you meant to discuss/) });
    const drafted = { ...opened, drafts: { materials: "pending" as const, reschedule: "pending" as const }, materialsLinks: 1 };
    expect(reasonOf(drafted, "materials")).toMatchObject({ status: "waiting", reason: expect.stringMatching(/once your proposal has been sent/) });
    expect(reasonOf({ ...drafted, drafts: { materials: "pending", reschedule: "sent" } }, "materials")).toMatchObject({ status: "due", reason: "Read and approve the cover note in Drafts" });
    expect(reasonOf({ ...drafted, drafts: { materials: "sent", reschedule: "sent" }, draftsSentAt: { materials: now } }, "materials")).toMatchObject({ status: "done", reason: "Sent at 8:00 AM" });
  });
});
