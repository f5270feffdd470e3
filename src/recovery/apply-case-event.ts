import { AppError, ConflictError } from "../platform/index.js";
import { enqueueTasks } from "../tasks/index.js";
import { raiseBufferConflicts } from "./buffer-conflicts.js";
import { loadCaseState, saveCase, toNewTask } from "./case-store.js";
import { decide, type CaseCommand, type CaseDecision, type CaseEvent, type CaseState } from "./domain/index.js";
import type { Tx } from "./recovery-deps.js";

/** Commands only the caller can carry out: provider calls, and the texts it composes. */
export type CallerCommand = Exclude<CaseCommand, { type: "enqueue" | "cancel_queued_steps" | "warn_buffer_conflicts" }>;

export interface AppliedEvent {
  before: CaseState;
  decision: CaseDecision;
  /** what is left for the caller to carry out (nothing when the event was refused) */
  pending: CallerCommand[];
}

/**
 * The shell around `decide` for one event, in the caller's transaction: the case row locked,
 * its state loaded, the decision stored (the changed fields) and its commands carried out,
 * all or nothing. Null when the case does not exist. A refusal changes nothing; the caller
 * turns it into an answer (`refusalError`).
 */
export async function applyCaseEvent(tx: Tx, caseId: string, event: CaseEvent, now: Date): Promise<AppliedEvent | null> {
  const before = await loadCaseState(tx, caseId, { lock: true });
  if (!before) return null;
  const decision = decide(before, event, now);
  if (decision.refused || !decision.next) return { before, decision, pending: [] };
  await saveCase(tx, before, decision.next);
  const pending = await runCaseCommands(tx, decision.next, decision.commands, now);
  return { before, decision, pending };
}

/** Carries out the commands that are only writes in the transaction; returns the others. */
export async function runCaseCommands(tx: Tx, state: CaseState, commands: readonly CaseCommand[], now: Date): Promise<CallerCommand[]> {
  const pending: CallerCommand[] = [];
  const tasks = [];
  for (const command of commands) {
    switch (command.type) {
      case "enqueue":
        tasks.push(toNewTask(state, command.task));
        break;
      case "cancel_queued_steps":
        // A step running right now finishes; the step handlers decide on the closed case first.
        await tx.task.updateMany({ where: { caseId: state.id, status: "queued" }, data: { status: "cancelled", finishedAt: now, updatedAt: now } });
        break;
      case "warn_buffer_conflicts":
        await warnBufferConflicts(tx, state, command.meetingId, command.range, now);
        break;
      default:
        pending.push(command);
    }
  }
  await enqueueTasks(tx, tasks);
  return pending;
}

async function warnBufferConflicts(tx: Tx, state: CaseState, meetingId: string, range: { start: Date; end: Date }, now: Date): Promise<void> {
  const meeting = await tx.meeting.findUnique({ where: { id: meetingId }, select: { id: true, title: true, timeZone: true, user: { select: { settings: { select: { timeZone: true } } } } } });
  if (!meeting) return;
  await raiseBufferConflicts(tx, { id: state.id, userId: state.userId, timeZone: meeting.user.settings?.timeZone ?? meeting.timeZone }, meeting, range, now);
}

/** The answer to a request `decide` refused. */
export function refusalError(refused: NonNullable<CaseDecision["refused"]>): AppError {
  if (refused.code === "missed_meeting_itself") return new AppError(`body/meetingId: ${refused.message}`, { code: "validation_failed", httpStatus: 400 });
  return new ConflictError(refused.message, refused.code);
}
