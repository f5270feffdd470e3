import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPrismaClient, type Database } from "../../src/platform/db/client.js";
import { DraftService } from "../../src/recovery/drafts/draft-actions.js";
import { FixedClock } from "../../src/platform/clock.js";
import { CaseService } from "../../src/recovery/case-service.js";
import { openCase } from "../../src/recovery/open-case-task.js";
import { createTestDatabase } from "../support/database.js";
import { seedUserWithMeetings } from "../support/seed.js";

/**
 * A case closes by itself in the transaction that completes its last step (marked done, a
 * draft decided, the buffer placed), and only then. The steps' own work is the scenario
 * tests' business; here their outcomes are written straight into the tables.
 */
describe("closing a recovery case", () => {
  const clock = new FixedClock(new Date("2026-11-10T16:00:00Z"));
  let db: Database;
  let drop: () => Promise<void>;
  let cases: CaseService;
  let drafts: DraftService;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createPrismaClient(database.url);
    cases = new CaseService({ db, clock });
    drafts = new DraftService({ db, clock });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await drop?.();
  });
  beforeEach(() => clock.set(new Date("2026-11-10T16:00:00Z")));

  /**
   * A case whose opening steps ran, whose rescheduled meeting happened with the buffer in
   * place, and whose thank-you draft waits: left to do are the user's own steps and the
   * decisions on `pendingDrafts`.
   */
  async function caseNearlyDone(pendingDrafts: ReadonlyArray<"reschedule" | "materials" | "thank_you">) {
    const start = new Date("2026-11-10T10:00:00Z");
    const { userId, meetingIds } = await seedUserWithMeetings(db, {
      meetings: [
        { title: "Pitch", start, end: new Date(start.getTime() + 30 * 60_000) },
        { title: "Pitch, again", start: new Date("2026-11-10T14:00:00Z"), end: new Date("2026-11-10T14:30:00Z") },
      ],
    });
    const [missed, again] = meetingIds as [string, string];
    const caseId = await db.$transaction((tx) => openCase(tx, { id: missed, userId }, 180, clock.now()));
    await db.task.updateMany({ where: { caseId }, data: { status: "done", finishedAt: clock.now() } });
    await db.task.createMany({
      data: ["buffer_block", "thank_you"].map((kind) => ({ kind, caseId, userId, status: "done" as const, idempotencyKey: `${caseId}:${kind}`, dueAt: clock.now() })),
    });
    // A later check that is still queued: closing must cancel it.
    await db.task.create({ data: { kind: "thank_you", caseId, userId, status: "queued", idempotencyKey: `${caseId}:thank_you:recheck`, dueAt: new Date(clock.now().getTime() + 600_000), createdAt: new Date(clock.now().getTime() + 1) } });
    await db.recoveryCase.update({ where: { id: caseId }, data: { rescheduledMeetingId: again, bufferEventId: "buffer-1", bufferStart: new Date("2026-11-10T13:20:00Z"), bufferEnd: new Date("2026-11-10T14:00:00Z") } });
    const draftIds: Record<string, string> = {};
    for (const kind of ["reschedule", "materials", "thank_you"] as const) {
      const pending = pendingDrafts.includes(kind);
      const draft = await db.draft.create({
        data: { userId, caseId, meetingId: missed, kind, to: ["client@else.example"], subject: kind, body: kind, idempotencyKey: `${caseId}:${kind}`, status: pending ? "pending" : "sent", ...(pending ? {} : { sentAt: clock.now() }) },
      });
      draftIds[kind] = draft.id;
    }
    return { userId, caseId, draftIds };
  }

  it("closes when the last step is marked done, in that same transaction, and cancels its queued steps", async () => {
    const { userId, caseId } = await caseNearlyDone([]);
    await cases.markDone(userId, caseId, "call_reminder");
    await cases.markDone(userId, caseId, "gift_prompt");
    expect((await cases.get(userId, caseId)).status).toBe("open");
    clock.set(new Date("2026-11-10T17:00:00Z"));
    const closed = await cases.markDone(userId, caseId, "thank_you");
    expect(closed).toMatchObject({ status: "closed", closedAt: "2026-11-10T17:00:00.000Z" });
    expect(closed.tasks.every((step) => step.status === "done")).toBe(true);
    expect(await db.task.count({ where: { caseId, status: "queued" } })).toBe(0);
    expect(await db.task.findFirstOrThrow({ where: { idempotencyKey: `${caseId}:thank_you:recheck` } })).toMatchObject({ status: "cancelled" });
    expect((await cases.list(userId, { status: "closed" })).map((c) => c.id)).toEqual([caseId]);
  });

  it("closes when the last step is a draft the user rejects", async () => {
    const { userId, caseId, draftIds } = await caseNearlyDone(["materials"]);
    for (const kind of ["call_reminder", "gift_prompt", "thank_you"] as const) await cases.markDone(userId, caseId, kind);
    expect((await cases.get(userId, caseId)).status).toBe("open");
    await drafts.reject(userId, draftIds["materials"]!);
    expect((await cases.get(userId, caseId)).status).toBe("closed");
  });

  it("stays open while any step is left, and two last steps marked at once still close it", async () => {
    const { userId, caseId } = await caseNearlyDone([]);
    await cases.markDone(userId, caseId, "call_reminder");
    expect((await cases.get(userId, caseId)).status).toBe("open");
    await Promise.all([cases.markDone(userId, caseId, "gift_prompt"), cases.markDone(userId, caseId, "thank_you")]);
    const view = await cases.get(userId, caseId);
    expect(view.status).toBe("closed");
  });

  it("never closes a case whose rescheduled meeting has not happened (the user closes it by hand)", async () => {
    const { userId, caseId } = await caseNearlyDone([]);
    await db.recoveryCase.update({ where: { id: caseId }, data: { rescheduledMeetingId: null, bufferEventId: null } });
    for (const kind of ["call_reminder", "gift_prompt", "thank_you"] as const) await cases.markDone(userId, caseId, kind);
    expect((await cases.get(userId, caseId)).status).toBe("open");
    expect(await cases.close(userId, caseId)).toMatchObject({ status: "closed", closedAt: clock.now().toISOString() });
  });
});
