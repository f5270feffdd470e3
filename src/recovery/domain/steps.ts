/**
 * The steps of a recovery case as the user reads them (PRODUCT §4), decided from facts
 * the caller gathers: the latest task row of each step, the case's drafts, what the user
 * marked done, and the rescheduled meeting.
 *
 * Decisions:
 * - Three words only: `waiting` (its trigger has not happened: a delay, the new meeting,
 *   the meeting's end), `due` (something for the user to do now, or the service is doing
 *   it right now), `done` (nothing left for the user).
 * - A step whose task failed for good stays `due` and carries the task's last error as
 *   `problem`: the user can act on it (e.g. write the proposal themselves), and a hidden
 *   failure would read as "nothing to do".
 * - Draft steps (proposal, materials) are done once their draft was sent or rejected (the
 *   user decided), or when the user marked the step done (sent it some other way).
 * - Buffer: waiting until a rescheduled meeting is linked (or again after it was
 *   cancelled), done once the buffer sits on the calendar.
 * - Thank-you: waiting until the rescheduled meeting ended and was attended (the service
 *   creates the draft then); done when the draft was decided AND the handwritten note
 *   was marked done.
 * - A case is finished (and closes, see caseFinished) when every step is done or not needed
 *   any more (its task cancelled). A step that failed for good, or one still waiting for a
 *   rescheduled meeting that never came, keeps the case open: the user closes it by hand.
 */

export const CASE_STEP_KINDS = ["call_reminder", "reschedule_proposal", "gift_prompt", "materials", "buffer_block", "thank_you"] as const;
export type CaseStepKind = (typeof CASE_STEP_KINDS)[number];

export type StepStatus = "waiting" | "due" | "done";
export type StepTaskStatus = "queued" | "running" | "done" | "failed" | "cancelled";
export type StepDraftStatus = "pending" | "approved" | "sent" | "rejected" | "failed";

export interface StepTaskFacts {
  status: StepTaskStatus;
  dueAt: Date;
  lastError: string | null;
}

export interface StepFacts {
  now: Date;
  /** the latest task row of each step kind */
  tasks: Partial<Record<CaseStepKind, StepTaskFacts>>;
  drafts: Partial<Record<"reschedule" | "materials" | "thank_you", StepDraftStatus>>;
  /** steps the user marked done */
  stepsDone: Partial<Record<CaseStepKind, Date>>;
  /** the linked rescheduled meeting, if any */
  rescheduled: { cancelled: boolean; start: Date } | null;
  bufferPlaced: boolean;
}

export interface StepView {
  kind: CaseStepKind;
  status: StepStatus;
  /** one line saying why, in the user's words */
  reason: string;
  /** the service could not do its part (the task's last error) */
  problem: string | null;
}

const DECIDED: ReadonlySet<StepDraftStatus> = new Set(["sent", "rejected"]);

export function caseSteps(facts: StepFacts): StepView[] {
  return CASE_STEP_KINDS.map((kind) => stepView(kind, facts));
}

/** Nothing left in the case: every step done, or not needed any more (its task cancelled). */
export function caseFinished(facts: StepFacts): boolean {
  return caseSteps(facts).every((step) => step.status === "done" || facts.tasks[step.kind]?.status === "cancelled");
}

function stepView(kind: CaseStepKind, facts: StepFacts): StepView {
  const task = facts.tasks[kind];
  const problem = task?.status === "failed" ? task.lastError ?? "the service could not complete this step" : null;
  const view = (status: StepStatus, reason: string): StepView => ({ kind, status, reason, problem });
  const userDone = facts.stepsDone[kind] !== undefined;

  if (kind === "buffer_block") {
    if (!facts.rescheduled || facts.rescheduled.cancelled) return view("waiting", "waiting for the new meeting to appear on your calendar");
    if (facts.bufferPlaced) return view("done", "the buffer is on your calendar");
    // Its purpose has passed once the meeting began: the buffer only protects the time before it.
    if (facts.rescheduled.start.getTime() <= facts.now.getTime()) return view("done", "the new meeting has begun");
    return view("due", problem ? "the buffer could not be placed" : "placing the buffer before the new meeting");
  }
  if (kind === "thank_you") {
    if (!facts.rescheduled || facts.rescheduled.cancelled) return view("waiting", "waiting for the rescheduled meeting");
    const draft = facts.drafts.thank_you;
    if (draft === undefined) return view(problem ? "due" : "waiting", "after the rescheduled meeting, once you attended it");
    if (DECIDED.has(draft) && userDone) return view("done", "thank-you sent and handwritten note written");
    return view("due", DECIDED.has(draft) ? "write the handwritten note" : "approve the thank-you email and write a handwritten note");
  }

  if (!task) return view("waiting", "not scheduled yet");
  if (task.status === "cancelled") return view("waiting", "not needed any more");
  if (task.status === "queued" && task.dueAt.getTime() > facts.now.getTime()) return view("waiting", "later");
  if (userDone) return view("done", "marked done");

  switch (kind) {
    case "call_reminder":
      return view("due", "call them now");
    case "gift_prompt":
      return view("due", "send something small");
    case "reschedule_proposal":
    case "materials": {
      const draft = facts.drafts[kind === "materials" ? "materials" : "reschedule"];
      if (draft !== undefined && DECIDED.has(draft)) return view("done", draft === "sent" ? "sent" : "you chose not to send it");
      if (draft === undefined) return view("due", problem ? "the draft could not be prepared" : "preparing the draft");
      return view("due", draft === "pending" ? "review and approve the draft" : draft === "failed" ? "sending failed: check and resend" : "sending");
    }
  }
}
