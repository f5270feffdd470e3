import type { CandidateMeeting, CaseCommand, CaseDecision, CaseEvent } from "./case-events.js";
import type { CaseState, RescheduledMeeting } from "./case-state.js";
import { bufferBlockTask, enqueue, syncBufferTask, thankYouTask } from "./case-tasks.js";
import { pickRescheduledMeeting, planBuffer, type BufferRange } from "./reschedule.js";

/**
 * The calendar side of a case (PRODUCT §4; seed 000 step 9): recognising the rescheduled
 * meeting, the buffer before it, and following it when it moves or goes. Called by `decide`.
 */

function asRescheduled(meeting: CandidateMeeting): RescheduledMeeting {
  return { id: meeting.id, start: meeting.start, end: meeting.end, gone: meeting.cancelled || meeting.deleted, attendance: meeting.attendance };
}

/** Links the meeting and queues what it triggers: the buffer now, the thank-you after it ends. */
function link(state: CaseState, meeting: CandidateMeeting, now: Date): CaseDecision {
  let next: CaseState = { ...state, rescheduled: asRescheduled(meeting) };
  const commands: CaseCommand[] = [];
  for (const task of [bufferBlockTask(state.id, meeting.id, now), thankYouTask(state.id, meeting)]) {
    const queued = enqueue(next, task);
    next = queued.next;
    commands.push(queued.command);
  }
  return { next, commands };
}

/**
 * After a sync of the user's calendar:
 * - no rescheduled meeting yet: recognise it among the candidates (domain
 *   `pickRescheduledMeeting`) and link it;
 * - linked: when it moved or was cancelled, queue a buffer placement (the buffer follows it,
 *   or goes); otherwise warn when something new was booked inside the placed buffer; and
 *   queue the thank-you for its current end (the key carries the end, so an unmoved meeting
 *   queues nothing new).
 */
export function decideCalendarSynced(state: CaseState, event: Extract<CaseEvent, { type: "calendar_synced" }>, now: Date): CaseDecision {
  const linked = state.rescheduled;
  if (!linked) {
    const picked = pickRescheduledMeeting({ missed: { id: state.meetingId, externalEmails: event.externalEmails }, openedAt: state.openedAt, candidates: event.candidates });
    const meeting = picked && event.candidates.find((candidate) => candidate.id === picked.id);
    return meeting ? link(state, meeting, now) : { next: state, commands: [] };
  }
  const placed = state.buffer;
  const plan = planBuffer({ meeting: { start: linked.start, cancelled: linked.gone, deleted: false }, placed, minutes: event.bufferMinutes, now });
  let next = state;
  const commands: CaseCommand[] = [];
  // Before the first placement ran there is nothing to follow: the buffer_block step places it.
  const firstPlacementPending = !placed && plan.action === "create";
  if ((plan.action !== "none" && !firstPlacementPending) || linked.gone) {
    const queued = enqueue(next, syncBufferTask(state.id, linked, linked.gone, placed, now));
    next = queued.next;
    commands.push(queued.command);
  } else if (placed) {
    commands.push({ type: "warn_buffer_conflicts", meetingId: linked.id, range: rangeOf(placed) });
  }
  if (!linked.gone) {
    const queued = enqueue(next, thankYouTask(state.id, linked));
    next = queued.next;
    commands.push(queued.command);
  }
  return { next, commands };
}

/** The user links the rescheduled meeting by hand (when it was not recognised). */
export function decideUserLinked(state: CaseState, meeting: CandidateMeeting, now: Date): CaseDecision {
  const refuse = (code: NonNullable<CaseDecision["refused"]>["code"], message: string): CaseDecision => ({ next: state, commands: [], refused: { code, message } });
  if (state.rescheduled?.id === meeting.id) return { next: state, commands: [] };
  if (meeting.id === state.meetingId) return refuse("missed_meeting_itself", "that is the missed meeting itself");
  if (meeting.isBuffer || meeting.cancelled || meeting.deleted) return refuse("meeting_not_linkable", "That event is cancelled or is one of our buffer blocks.");
  if (state.status !== "open") return refuse("case_closed", "This case is closed.");
  if (state.rescheduled) return refuse("already_linked", "Another meeting is already linked as the rescheduled one.");
  return link(state, meeting, now);
}

/**
 * A buffer task came due: a buffer of the configured length right before the rescheduled
 * meeting (created, or moved with it), none when the meeting was cancelled or moved into the
 * past. A cancelled meeting is unlinked once no buffer is left for it (the next one is awaited).
 */
export function decideBufferDue(state: CaseState, bufferMinutes: number, now: Date): CaseDecision {
  const meeting = state.rescheduled;
  const plan = planBuffer({ meeting: meeting ? { start: meeting.start, cancelled: meeting.gone, deleted: false } : null, placed: state.buffer, minutes: bufferMinutes, now });
  switch (plan.action) {
    case "none":
      return meeting?.gone ? { next: { ...state, rescheduled: null }, commands: [] } : { next: state, commands: [] };
    case "delete":
      // No linked meeting (its row is gone): no calendar to reach the buffer through.
      if (!meeting || !state.buffer) return { next: state, commands: [] };
      return { next: state, commands: [{ type: "remove_buffer", eventId: state.buffer.eventId, reason: meeting.gone ? "meeting_gone" : "meeting_past" }] };
    case "create":
    case "move":
      if (!meeting) return { next: state, commands: [] };
      return { next: state, commands: [{ type: "place_buffer", range: plan.range, moveEventId: state.buffer?.eventId ?? null, meetingId: meeting.id }] };
  }
}

/** The provider holds our buffer: store it, and warn about anything booked inside it. */
export function decideBufferPlaced(state: CaseState, eventId: string, range: BufferRange): CaseDecision {
  const same = state.buffer?.eventId === eventId && state.buffer.start.getTime() === range.start.getTime() && state.buffer.end.getTime() === range.end.getTime();
  if (same) return { next: state, commands: [] };
  const next = { ...state, buffer: { eventId, start: range.start, end: range.end } };
  return { next, commands: state.rescheduled ? [{ type: "warn_buffer_conflicts", meetingId: state.rescheduled.id, range: rangeOf(range) }] : [] };
}

/**
 * The provider deleted our buffer. A cancelled meeting is unlinked (the next one is awaited);
 * one that moved to a time already past stays linked, for the thank-you.
 */
export function decideBufferRemoved(state: CaseState): CaseDecision {
  if (!state.buffer) return { next: state, commands: [] };
  return { next: { ...state, buffer: null, rescheduled: state.rescheduled?.gone ? null : state.rescheduled }, commands: [] };
}

function rangeOf(range: BufferRange): BufferRange {
  return { start: range.start, end: range.end };
}
