import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DraftView } from "../../src/recovery/drafts/draft-view.js";
import { FixedClock } from "../../src/platform/clock.js";
import type { CaseView } from "../../src/recovery/case-service.js";
import { openCase } from "../../src/recovery/open-case-task.js";
import { connectAs, waitForMeeting } from "../support/connect.js";
import type { CookieClient } from "../support/cookie-client.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { eventually, settled } from "./support/recovery-helpers.js";

const MINUTE = 60_000;

/**
 * Over the real API: the materials step drafts a note only from links the user adds, naming
 * exactly those, and that note cannot go before the proposal; a gift marked done before its
 * suggested time stays done, and the case closes when every step is done.
 */
describe("recovery steps that tell the truth", () => {
  const clock = new FixedClock(new Date("2026-11-10T16:00:00Z"));
  let harness: Harness;
  let ann: CookieClient;
  let annId: string;
  let caseId: string;
  const at = (minutes: number) => new Date(clock.now().getTime() + minutes * MINUTE).toISOString();
  const guests = [
    { email: "ann@example.com", name: "Ann Lee", response: "accepted" as const },
    { email: "dana@client.example", name: "Dana Smith", response: "accepted" as const },
  ];
  const send = <T>(method: string, path: string, body: unknown = {}) => ann.json<T>(path, { method, body: JSON.stringify(body) });
  const getCase = async () => (await ann.json<CaseView>(`/api/cases/${caseId}`)).body;
  const step = (view: CaseView, kind: string) => view.tasks.find((t) => t.kind === kind)!;

  beforeAll(async () => {
    harness = await startHarness({ clock });
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    control.addUser({ provider: "google", email: "dana@client.example", name: "Dana Smith" });
    control.createEvent("ann@example.com", { summary: "Q3 review", start: at(-120), end: at(-75), attendees: guests });
    ann = await connectAs(harness, "google", "ann@example.com");
    const meeting = await waitForMeeting(ann, "Q3 review", () => true);
    annId = (await harness.service.services.db.user.findFirstOrThrow({ where: { email: "ann@example.com" } })).id;
    caseId = await harness.service.services.db.$transaction((tx) => openCase(tx, { id: meeting.id, userId: annId }, 180, clock.now()));
    await settled(harness, clock);
    await eventually(async () => (await getCase()).proposal.draftId, "the proposal draft");
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("materials: no note until a link is added; then a note naming exactly that link, which waits for the proposal", async () => {
    const opened = await getCase();
    expect(opened.materials).toMatchObject({ draftId: null, links: [] });
    expect(step(opened, "materials")).toMatchObject({ status: "due", reason: expect.stringMatching(/^Add a link/) });
    expect((await harness.service.services.db.draft.count({ where: { caseId, kind: "materials" } }))).toBe(0);

    const refused = await send<{ error: { message: string } }>("PUT", `/api/cases/${caseId}/materials`, { links: [{ url: "deck.pdf" }] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain("Paste the full address, starting with https://");

    const added = await send<CaseView>("PUT", `/api/cases/${caseId}/materials`, { links: [{ url: "https://docs.example.com/q3", label: "Q3 pricing deck" }] });
    expect(added.status).toBe(200);
    expect(added.body.materials).toMatchObject({ links: [{ url: "https://docs.example.com/q3", label: "Q3 pricing deck" }], draftStatus: "pending", waitsForProposal: true });
    expect(step(added.body, "materials")).toMatchObject({ status: "waiting" });
    const note = (await ann.json<DraftView>(`/api/drafts/${added.body.materials.draftId}`)).body;
    expect(note.body).toContain("- Q3 pricing deck: https://docs.example.com/q3");
    expect(note.body).not.toMatch(/attach|materials I had prepared/i);

    // The note cannot cross the apology: approving it before the proposal went out is refused.
    const early = await send<{ error: { code: string; message: string } }>("POST", `/api/drafts/${note.id}/approve`);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: "proposal_not_sent", message: expect.stringContaining("Send the proposal first") });

    // The proposal goes out; then the note may.
    const proposal = await send<DraftView>("POST", `/api/drafts/${opened.proposal.draftId}/approve`);
    expect(proposal.status).toBe(200);
    await eventually(async () => (await getCase()).proposalStatus === "sent", "the proposal to be sent");
    const afterProposal = await getCase();
    expect(step(afterProposal, "reschedule_proposal")).toMatchObject({ status: "done", reason: expect.stringMatching(/^Sent at \d{1,2}:\d{2} [AP]M$/) });
    expect(step(afterProposal, "materials")).toMatchObject({ status: "due", reason: "Read and approve the cover note in Drafts" });
    expect((await send("POST", `/api/drafts/${note.id}/approve`)).status).toBe(200);
    await eventually(async () => (await getCase()).materials.draftStatus === "sent", "the materials note to be sent");
    const mail = harness.emulator.control.sentMail();
    expect(mail.map((m) => m.subject)).toEqual(["Finding a new time for Q3 review", "For Q3 review: what we were going to discuss"]);
    // Once sent, its links no longer change.
    expect((await send("PUT", `/api/cases/${caseId}/materials`, { links: [] })).status).toBe(409);
  });

  it("a gift marked done before its suggested time stays done after a reload, and the case closes when every step is done", async () => {
    const before = await getCase();
    expect(step(before, "gift_prompt")).toMatchObject({ status: "waiting", reason: expect.stringMatching(/^Suggested at 7:00 PM/) });
    const marked = await send<CaseView>("POST", `/api/cases/${caseId}/steps/gift_prompt/done`);
    expect(marked.status).toBe(200);
    expect(step(marked.body, "gift_prompt")).toMatchObject({ status: "done", reason: "Marked done at 4:00 PM" });
    // A reload reads the same.
    expect(step(await getCase(), "gift_prompt").status).toBe("done");
    // Its suggested time comes: no reminder to do what is done.
    clock.advance(181 * MINUTE);
    await settled(harness, clock);
    expect(await harness.service.services.db.task.findFirstOrThrow({ where: { caseId, kind: "gift_prompt" } })).toMatchObject({ status: "done" });
    expect(await harness.service.services.db.alert.count({ where: { idempotencyKey: `case:${caseId}:gift_prompt` } })).toBe(0);
    expect(step(await getCase(), "gift_prompt").status).toBe("done");
    await send("POST", `/api/cases/${caseId}/steps/call_reminder/done`);
    // Buffer and thank-you wait for a rescheduled meeting: put one in place with its thank-you sent.
    const db = harness.service.services.db;
    const again = await db.meeting.findFirstOrThrow({ where: { title: "Q3 review" } });
    await db.recoveryCase.update({ where: { id: caseId }, data: { rescheduledMeetingId: again.id, bufferEventId: "buffer-1", bufferStart: new Date(again.start.getTime() - 40 * MINUTE), bufferEnd: again.start } });
    await db.draft.create({ data: { userId: annId, caseId, meetingId: again.id, kind: "thank_you", to: ["dana@client.example"], subject: "Thank you", body: "Thank you", idempotencyKey: `case:${caseId}:thank_you`, status: "sent", sentAt: clock.now() } });
    expect((await getCase()).status).toBe("open");
    const closed = await send<CaseView>("POST", `/api/cases/${caseId}/steps/thank_you/done`);
    expect(closed.body.status).toBe("closed");
    expect(closed.body.tasks.every((t) => t.status === "done")).toBe(true);
    // The gift prompt that was still queued will not nag later.
    expect(await db.task.count({ where: { caseId, kind: "gift_prompt", status: "queued" } })).toBe(0);
  });
});
