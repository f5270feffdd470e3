import type { CaseState } from "./case-state.js";
import type { CaseCommand, RecoveryTaskKind, StepTask } from "./case-events.js";
import type { BufferRange } from "./reschedule.js";
import { CASE_STEP_KINDS, type CaseStepKind } from "./steps.js";

/**
 * The task rows the recovery workflow queues, and their idempotency keys: the key is what
 * makes "nothing twice" hold when an event is reported again (a retried task, a replayed
 * sync), so each is built from what makes the work distinct and nothing else.
 */

/** The steps due when a case opens; buffer and thank-you wait for the rescheduled meeting. */
export const OPENING_STEPS = ["call_reminder", "reschedule_proposal", "materials", "gift_prompt"] as const;

/** The thank-you is first looked at a little after the end: conference attendance can lag. */
export const THANK_YOU_FIRST_CHECK_MS = 5 * 60_000;
/** Attendance not decided yet: look again this much later… */
export const THANK_YOU_RECHECK_MS = 10 * 60_000;
/** …until this long after the end (the user can still write one themselves). */
export const THANK_YOU_GIVE_UP_MS = 24 * 60 * 60_000;

export function stepKey(caseId: string, kind: RecoveryTaskKind, suffix?: string): string {
  return `case:${caseId}:${kind}${suffix ? `:${suffix}` : ""}`;
}

/** The key of what a step writes (its alert, its draft): one per case. */
export function stepOutputKey(caseId: string, output: "call_reminder" | "reschedule" | "materials" | "gift_prompt" | "thank_you"): string {
  return `case:${caseId}:${output}`;
}

export function openingTask(state: Pick<CaseState, "id" | "openedAt">, kind: (typeof OPENING_STEPS)[number], giftDelayMinutes: number): StepTask {
  const dueAt = kind === "gift_prompt" ? new Date(state.openedAt.getTime() + giftDelayMinutes * 60_000) : state.openedAt;
  return { kind, key: stepKey(state.id, kind), dueAt, payload: { caseId: state.id } };
}

export function bufferBlockTask(caseId: string, meetingId: string, now: Date): StepTask {
  return { kind: "buffer_block", key: stepKey(caseId, "buffer_block", meetingId), dueAt: now, payload: { caseId, meetingId } };
}

/**
 * The thank-you check for the meeting's current end (a moved meeting gets a new one: the end
 * is in the key); `recheckAt` for a later look at the same end.
 */
export function thankYouTask(caseId: string, meeting: { id: string; end: Date }, recheckAt?: Date): StepTask {
  const end = meeting.end.toISOString();
  const dueAt = recheckAt ?? new Date(meeting.end.getTime() + THANK_YOU_FIRST_CHECK_MS);
  return {
    kind: "thank_you",
    key: stepKey(caseId, "thank_you", `${meeting.id}:${end}${recheckAt ? `:check:${recheckAt.toISOString()}` : ""}`),
    dueAt,
    payload: { caseId, meetingId: meeting.id, end },
  };
}

/**
 * A follow-up placement of the buffer: one per position of the meeting, state of the meeting
 * and position of the buffer, so each change of the calendar gets one, and a replay none.
 */
export function syncBufferTask(caseId: string, meeting: { id: string; start: Date }, gone: boolean, placed: BufferRange | null, now: Date): StepTask {
  const key = `${meeting.id}:${meeting.start.toISOString()}:${gone ? "gone" : "active"}:${placed ? placed.start.toISOString() : "none"}`;
  return { kind: "sync_buffer", key: `buffer:${caseId}:${key}`, dueAt: now, payload: { caseId } };
}

/** The command, and the step's latest task in `next` as the shell will find it. */
export function enqueue(state: CaseState, task: StepTask): { next: CaseState; command: CaseCommand } {
  const isStep = (CASE_STEP_KINDS as readonly string[]).includes(task.kind);
  const tasks = isStep ? { ...state.tasks, [task.kind as CaseStepKind]: { status: "queued" as const, dueAt: task.dueAt, lastError: null } } : state.tasks;
  return { next: { ...state, tasks }, command: { type: "enqueue", task } };
}
