import type { Database, Prisma } from "../platform/index.js";
import type { NewTask } from "../tasks/index.js";
import { caseFactsInclude, materialsLinksOf, stepFactsOf, stepsDoneOf } from "./case-facts.js";
import { caseChanges, type CaseState, type StepTask } from "./domain/index.js";
import type { Tx } from "./recovery-deps.js";

/** Steps run before the rest of the queue: a user who just confirmed a miss is waiting for them. */
export const STEP_PRIORITY = 30;

/**
 * The case as `decide` reads it, from its row and what its steps left (tasks, drafts, the
 * rescheduled meeting). `lock` takes the case row first (inside a transaction), so two
 * events on one case are decided one after the other, each on what the other stored.
 */
export async function loadCaseState(db: Database | Tx, caseId: string, options: { lock?: boolean } = {}): Promise<CaseState | null> {
  if (options.lock) await db.$queryRaw`select id from recovery_cases where id = ${caseId}::uuid for update`;
  const row = await db.recoveryCase.findUnique({ where: { id: caseId }, include: caseFactsInclude });
  if (!row) return null;
  // `now` only feeds the step views' wording, which the state does not keep.
  const facts = stepFactsOf(row, row.openedAt);
  const meeting = row.rescheduled;
  return {
    id: row.id,
    userId: row.userId,
    meetingId: row.meetingId,
    status: row.status,
    openedAt: row.openedAt,
    closedAt: row.closedAt,
    rescheduled: meeting ? { id: meeting.id, start: meeting.start, end: meeting.end, gone: meeting.isCancelled || meeting.deletedAt !== null, attendance: meeting.state } : null,
    buffer: row.bufferEventId && row.bufferStart && row.bufferEnd ? { eventId: row.bufferEventId, start: row.bufferStart, end: row.bufferEnd } : null,
    stepsDone: Object.fromEntries(Object.entries(stepsDoneOf(row.stepsDone)).map(([kind, at]) => [kind, new Date(at)])),
    materialsLinks: materialsLinksOf(row.materialsLinks),
    tasks: facts.tasks,
    drafts: facts.drafts,
    draftsSentAt: facts.draftsSentAt ?? {},
  };
}

/** Writes the fields of the case that `decide` changed, and only those. */
export async function saveCase(tx: Tx, before: CaseState, next: CaseState): Promise<void> {
  const changes = caseChanges(before, next);
  const data: Prisma.RecoveryCaseUpdateInput = {
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(changes.closedAt !== undefined ? { closedAt: changes.closedAt } : {}),
    ...(changes.rescheduledMeetingId !== undefined ? { rescheduled: changes.rescheduledMeetingId ? { connect: { id: changes.rescheduledMeetingId } } : { disconnect: true } } : {}),
    ...(changes.buffer !== undefined ? { bufferEventId: changes.buffer?.eventId ?? null, bufferStart: changes.buffer?.start ?? null, bufferEnd: changes.buffer?.end ?? null } : {}),
    ...(changes.stepsDone !== undefined ? { stepsDone: Object.fromEntries(Object.entries(changes.stepsDone).map(([kind, at]) => [kind, at.toISOString()])) } : {}),
    ...(changes.materialsLinks !== undefined ? { materialsLinks: changes.materialsLinks.map((link) => ({ url: link.url, label: link.label ?? null })) } : {}),
  };
  if (Object.keys(data).length === 0) return;
  await tx.recoveryCase.update({ where: { id: next.id }, data });
}

/** A task `decide` asked for, as a row of the task table. */
export function toNewTask(recoveryCase: Pick<CaseState, "id" | "userId">, task: StepTask): NewTask {
  return { kind: task.kind, payload: { ...task.payload }, idempotencyKey: task.key, dueAt: task.dueAt, priority: STEP_PRIORITY, userId: recoveryCase.userId, caseId: recoveryCase.id };
}
