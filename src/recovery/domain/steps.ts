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
 * - A step the user marked done is done at once, even before its suggested time (the gift
 *   prompt is due hours after the case opens; a gift sent earlier must not stay "waiting").
 * - Reasons are written for the state and the time: "Sent at 2:14 PM", "Suggested at 5:14
 *   PM", never "approve" for something already sent.
 * - Materials: due as a reminder until the user adds a link; its cover note then waits for
 *   the proposal to be sent (or settled) so the apology and the materials never cross.
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
  drafts: Partial<Record<DraftStepKind, StepDraftStatus>>;
  /** when each draft went out (sent drafts only) */
  draftsSentAt?: Partial<Record<DraftStepKind, Date>>;
  /** steps the user marked done */
  stepsDone: Partial<Record<CaseStepKind, Date>>;
  /** the linked rescheduled meeting, if any */
  rescheduled: { cancelled: boolean; start: Date } | null;
  bufferPlaced: boolean;
  /** links the user added to send with the materials note */
  materialsLinks?: number;
  /** the user's zone, for the times the reasons name (UTC when unknown) */
  timeZone?: string;
}

export type DraftStepKind = "reschedule" | "materials" | "thank_you";

export interface StepView {
  kind: CaseStepKind;
  status: StepStatus;
  /** one line saying why, true for the step's state and time ("Sent at 2:14 PM") */
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

/** The proposal went out, or the user settled it another way: what follows it may go too. */
export function proposalSettled(facts: Pick<StepFacts, "drafts" | "stepsDone">): boolean {
  const draft = facts.drafts.reschedule;
  return (draft !== undefined && DECIDED.has(draft)) || facts.stepsDone.reschedule_proposal !== undefined;
}

function stepView(kind: CaseStepKind, facts: StepFacts): StepView {
  const task = facts.tasks[kind];
  const problem = task?.status === "failed" ? task.lastError ?? "the service could not complete this step" : null;
  const view = (status: StepStatus, reason: string): StepView => ({ kind, status, reason, problem });
  const at = (when: Date) => whenText(when, facts.now, facts.timeZone ?? "UTC");
  const markedAt = facts.stepsDone[kind];
  const sentAt = (draft: DraftStepKind) => {
    const sent = facts.draftsSentAt?.[draft];
    return sent ? `sent ${at(sent)}` : "sent";
  };

  if (kind === "buffer_block") {
    if (!facts.rescheduled || facts.rescheduled.cancelled) return view("waiting", "Waits for the new meeting to appear on your calendar");
    if (facts.bufferPlaced) return view("done", "The buffer is on your calendar before the new meeting");
    // Its purpose has passed once the meeting began: the buffer only protects the time before it.
    if (facts.rescheduled.start.getTime() <= facts.now.getTime()) return view("done", "The new meeting has begun");
    return view("due", problem ? "The buffer could not be placed" : "Placing the buffer before the new meeting");
  }
  if (kind === "thank_you") {
    if (!facts.rescheduled || facts.rescheduled.cancelled) return view("waiting", "After the new meeting, once you attended it");
    const draft = facts.drafts.thank_you;
    if (draft === undefined) {
      const note = markedAt ? `Handwritten note marked done ${at(markedAt)}; the email is drafted after the new meeting` : `After the new meeting ${at(facts.rescheduled.start)}, once you attended it`;
      return view(problem ? "due" : "waiting", note);
    }
    const email = draft === "sent" ? `Thank-you email ${sentAt("thank_you")}` : draft === "rejected" ? "You chose not to send the thank-you email" : "";
    if (DECIDED.has(draft) && markedAt) return view("done", `${email}; handwritten note marked done ${at(markedAt)}`);
    if (DECIDED.has(draft)) return view("due", `${email}; now write the handwritten note`);
    if (draft === "failed") return view("due", "Sending the thank-you failed: check it in Drafts and resend");
    return view("due", draft === "approved" ? "Thank-you approved and on its way; write the handwritten note" : "Approve the thank-you email in Drafts, and write the handwritten note");
  }

  // A step the user did themselves is done whenever they did it: a gift sent before its
  // suggested time, a call made before the reminder ran.
  if (markedAt) return view("done", `Marked done ${at(markedAt)}`);
  if (!task) return view("waiting", "Not scheduled yet");
  if (task.status === "cancelled") return view("waiting", "Not needed any more");
  if (task.status === "queued" && task.dueAt.getTime() > facts.now.getTime()) {
    return view("waiting", kind === "gift_prompt" ? `Suggested ${at(task.dueAt)}, once your proposal has had time to land; mark it done whenever you send it` : `Due ${at(task.dueAt)}`);
  }

  if (kind === "materials") return materialsView(facts, view, sentAt);
  switch (kind) {
    case "call_reminder":
      return view("due", "Call them now: the number and what to say are below");
    case "gift_prompt":
      return view("due", "Send something small while you wait for their answer");
    case "reschedule_proposal": {
      const draft = facts.drafts.reschedule;
      if (draft === "sent") return view("done", capitalise(sentAt("reschedule")));
      if (draft === "rejected") return view("done", "You chose not to send it");
      if (draft === undefined) return view("due", problem ? "The proposal could not be prepared" : "Preparing the proposal from your free time");
      if (draft === "failed") return view("due", "Sending failed: check it in Drafts and resend");
      return view("due", draft === "pending" ? "Read, edit and approve the proposal in Drafts" : "Approved and on its way");
    }
  }
}

/**
 * Materials (PRODUCT §4): a reminder until the user adds something to send; then a cover
 * note naming exactly that, which goes only after the proposal (never crossing the apology).
 */
function materialsView(facts: StepFacts, view: (status: StepStatus, reason: string) => StepView, sentAt: (draft: DraftStepKind) => string): StepView {
  const draft = facts.drafts.materials;
  if (draft === "sent") return view("done", capitalise(sentAt("materials")));
  if (draft === "rejected") return view("done", "You chose not to send it");
  if (draft === undefined || (facts.materialsLinks ?? 0) === 0) return view("due", "Add a link to what you meant to discuss (a deck, notes): a short cover note is drafted for it. Nothing to send? Mark it done.");
  if (draft === "failed") return view("due", "Sending failed: check it in Drafts and resend");
  if (draft === "approved") return view("due", "Approved and on its way");
  if (!proposalSettled(facts)) return view("waiting", "Cover note drafted: it can go once your proposal has been sent, so the two don't cross");
  return view("due", "Read and approve the cover note in Drafts");
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "2:14 PM" today, "Wed, Dec 2, 2:14 PM" on another day, in the user's zone. */
function whenText(at: Date, now: Date, timeZone: string): string {
  const day = (d: Date) => new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric" }).format(d);
  const clock = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" }).format(at).replace(/[\u00a0\u202f]/g, " ");
  if (day(at) === day(now)) return `at ${clock}`;
  const date = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", month: "short", day: "numeric" }).format(at);
  return `on ${date}, ${clock}`;
}
