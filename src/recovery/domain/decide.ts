import { decideBufferDue, decideBufferPlaced, decideBufferRemoved, decideCalendarSynced, decideUserLinked } from "./decide-calendar.js";
import { enqueue, openingTask, OPENING_STEPS, stepOutputKey, THANK_YOU_GIVE_UP_MS, THANK_YOU_RECHECK_MS, thankYouTask } from "./case-tasks.js";
import type { CaseCommand, CaseDecision, CaseEvent, CaseRefusal, OpeningStep } from "./case-events.js";
import { stepFactsOfCase, type CaseState } from "./case-state.js";
import { caseFinished, proposalSettled } from "./steps.js";

/**
 * The recovery workflow's policy in one place (PRODUCT §4): given a case (null before it
 * exists), something that happened to it, and the time, the case as it should be next and
 * what to do about it. Pure: the shell (task handlers, CaseService, the draft actions) loads
 * the facts, calls this, stores `next` and carries out `commands`, like a Temporal workflow
 * with its activities.
 *
 * Rules that hold for every event:
 * - Nothing twice: an event reported again (a retried task, a replayed sync, a double click)
 *   finds its effect already in the state and decides nothing, or repeats a command whose
 *   idempotency key makes it a no-op.
 * - A closed case takes no new work: its steps due late, a calendar change, a buffer task
 *   already claimed decide nothing; what the user asks of it is refused. Two things are still
 *   recorded after closing, because they already happened: a buffer event the provider
 *   placed or removed (its id must not be lost), and a step the user marks done.
 * - A case closes by itself only when a step is settled (marked done, a draft sent or
 *   rejected, the buffer placed) and nothing is left (domain `caseFinished`).
 */
export function decide(state: CaseState | null, event: CaseEvent, now: Date): CaseDecision {
  if (state === null) return event.type === "miss_confirmed" ? open(event, now) : { next: null, commands: [] };
  switch (event.type) {
    case "miss_confirmed":
      // One case per meeting: confirming again (or running the opener twice) opens nothing new.
      return unchanged(state);
    case "step_due":
      return state.status === "open" ? stepDue(state, event.step) : unchanged(state);
    case "thank_you_due":
      return state.status === "open" ? thankYouDue(state, event.meetingId, event.end, now) : unchanged(state);
    case "calendar_synced":
      return state.status === "open" ? decideCalendarSynced(state, event, now) : unchanged(state);
    case "user_linked":
      return decideUserLinked(state, event.meeting, now);
    case "buffer_due":
      return state.status === "open" ? decideBufferDue(state, event.bufferMinutes, now) : unchanged(state);
    case "buffer_placed":
      return closeIfFinished(decideBufferPlaced(state, event.eventId, event.range), now);
    case "buffer_removed":
      return decideBufferRemoved(state);
    case "draft_settled":
      return closeIfFinished(unchanged(state), now);
    case "materials_approval_asked":
      return proposalSettled(state) ? unchanged(state) : refuse(state, "proposal_not_sent", "Send the proposal first: the materials follow it, so the two don't cross. Approve the proposal, then this note.");
    case "step_marked_done":
      // Marked already: the first time stands (it is the one the case page shows).
      if (state.stepsDone[event.step]) return unchanged(state);
      return closeIfFinished(unchanged({ ...state, stepsDone: { ...state.stepsDone, [event.step]: now } }), now);
    case "materials_links_set":
      return materialsLinksSet(state, event.links);
    case "user_closed":
      return userClosed(state, now);
  }
}

export function unchanged(state: CaseState, commands: readonly CaseCommand[] = []): CaseDecision {
  return { next: state, commands };
}

export function refuse(state: CaseState, code: CaseRefusal, message: string): CaseDecision {
  return { next: state, commands: [], refused: { code, message } };
}

function open(event: Extract<CaseEvent, { type: "miss_confirmed" }>, now: Date): CaseDecision {
  let next: CaseState = {
    id: event.caseId,
    userId: event.userId,
    meetingId: event.meetingId,
    status: "open",
    openedAt: now,
    closedAt: null,
    rescheduled: null,
    buffer: null,
    stepsDone: {},
    materialsLinks: [],
    tasks: {},
    drafts: {},
    draftsSentAt: {},
  };
  const commands: CaseCommand[] = [];
  for (const kind of OPENING_STEPS) {
    const queued = enqueue(next, openingTask(next, kind, event.giftDelayMinutes));
    next = queued.next;
    commands.push(queued.command);
  }
  return { next, commands };
}

function stepDue(state: CaseState, step: OpeningStep): CaseDecision {
  switch (step) {
    case "call_reminder":
      return unchanged(state, [{ type: "remind_call", key: stepOutputKey(state.id, "call_reminder") }]);
    case "reschedule_proposal":
      if (state.drafts.reschedule !== undefined) return unchanged(state);
      return unchanged({ ...state, drafts: { ...state.drafts, reschedule: "pending" } }, [{ type: "draft_reschedule_proposal", key: stepOutputKey(state.id, "reschedule") }]);
    case "materials":
      // The reminder is the step itself: the cover note is drafted once the user adds a link
      // (a note drafted now would name materials that are not there).
      return unchanged(state);
    case "gift_prompt":
      // Sent before its suggested time (marked done): no reminder to do it.
      if (state.stepsDone.gift_prompt) return unchanged(state);
      return unchanged(state, [{ type: "prompt_gift", key: stepOutputKey(state.id, "gift_prompt") }]);
  }
}

/** Detection states in which a meeting's attendance may still be decided. */
const UNDECIDED = new Set(["upcoming", "in_progress", "late", "suspected_missed"]);

/**
 * The thank-you (seed 000 step 10): only for the meeting linked now, at the end it has now (a
 * moved meeting queued a newer check), once attended; undecided attendance is looked at again
 * every ten minutes for a day; a meeting missed again gets none.
 */
function thankYouDue(state: CaseState, meetingId: string, end: Date, now: Date): CaseDecision {
  const meeting = state.rescheduled;
  if (!meeting || meeting.id !== meetingId || meeting.gone || meeting.end.getTime() !== end.getTime()) return unchanged(state);
  if (meeting.attendance !== "attended") {
    // null: detection has not looked at it yet (it only looks a day ahead).
    const undecided = meeting.attendance === null || UNDECIDED.has(meeting.attendance);
    if (!undecided || now.getTime() >= meeting.end.getTime() + THANK_YOU_GIVE_UP_MS) return unchanged(state);
    const queued = enqueue(state, thankYouTask(state.id, meeting, new Date(now.getTime() + THANK_YOU_RECHECK_MS)));
    return unchanged(queued.next, [queued.command]);
  }
  if (state.drafts.thank_you !== undefined) return unchanged(state);
  return unchanged({ ...state, drafts: { ...state.drafts, thank_you: "pending" } }, [{ type: "draft_thank_you", key: stepOutputKey(state.id, "thank_you"), meetingId }]);
}

/**
 * The links to send with the materials note, the whole list at once: the note is drafted
 * from exactly these (redrafted while pending, reopened when rejected), withdrawn when the
 * list is emptied, and frozen once approved.
 */
function materialsLinksSet(state: CaseState, links: CaseState["materialsLinks"]): CaseDecision {
  if (state.status !== "open") return refuse(state, "case_closed", "This case is closed.");
  const draft = state.drafts.materials;
  if (draft !== undefined && draft !== "pending" && draft !== "rejected") return refuse(state, "materials_already_sent", `The cover note is already ${draft}; its links can no longer change.`);
  const key = stepOutputKey(state.id, "materials");
  const next = { ...state, materialsLinks: links };
  if (links.length === 0) {
    if (draft !== "pending") return unchanged(next);
    const { materials: _withdrawn, ...drafts } = state.drafts;
    return unchanged({ ...next, drafts }, [{ type: "withdraw_materials_note", key }]);
  }
  return unchanged({ ...next, drafts: { ...state.drafts, materials: "pending" } }, [{ type: "write_materials_note", key, links }]);
}

function userClosed(state: CaseState, now: Date): CaseDecision {
  if (state.status === "open") return close(state, [], now);
  // Closed already: only a step queued since (by a task that was running at the close) is left to cancel.
  const queued = Object.values(state.tasks).some((task) => task.status === "queued");
  return queued ? unchanged(cancelQueued(state), [{ type: "cancel_queued_steps" }]) : unchanged(state);
}

/** Closes the case when nothing is left in it (every step done or not needed any more). */
export function closeIfFinished(decision: CaseDecision, now: Date): CaseDecision {
  const state = decision.next;
  if (!state || decision.refused || state.status !== "open" || !caseFinished(stepFactsOfCase(state, now))) return decision;
  return close(state, decision.commands, now);
}

function close(state: CaseState, commands: readonly CaseCommand[], now: Date): CaseDecision {
  return { next: { ...cancelQueued(state), status: "closed", closedAt: now }, commands: [...commands, { type: "cancel_queued_steps" }] };
}

function cancelQueued(state: CaseState): CaseState {
  return { ...state, tasks: Object.fromEntries(Object.entries(state.tasks).map(([kind, task]) => [kind, task.status === "queued" ? { ...task, status: "cancelled" as const } : task])) };
}
