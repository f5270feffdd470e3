import type { CaseState, PlacedBuffer, RescheduledMeeting } from "./case-state.js";
import type { MaterialsLink } from "./materials-note.js";
import type { BufferRange, MeetingFacts } from "./reschedule.js";
import type { CaseStepKind } from "./steps.js";

/**
 * What happens to a recovery case, as the shell reports it to `decide`: the facts an event
 * needs travel with it (a matched meeting, the buffer event the provider placed); the rest
 * is in the case state.
 */
export type CaseEvent =
  /** detection confirmed the miss (task open_recovery_case); a new case takes `caseId` */
  | { readonly type: "miss_confirmed"; readonly caseId: string; readonly meetingId: string; readonly userId: string; readonly giftDelayMinutes: number }
  /** time passed: an opening step's task came due */
  | { readonly type: "step_due"; readonly step: OpeningStep }
  /** time passed: the thank-you check for the rescheduled meeting ending at `end` came due */
  | { readonly type: "thank_you_due"; readonly meetingId: string; readonly end: Date }
  /** the user's calendar was synced again: a new meeting may be the rescheduled one, the linked one may have moved or gone */
  | { readonly type: "calendar_synced"; readonly externalEmails: readonly string[]; readonly candidates: readonly CandidateMeeting[]; readonly bufferMinutes: number }
  /** the user chose the rescheduled meeting by hand */
  | { readonly type: "user_linked"; readonly meeting: CandidateMeeting }
  /** a buffer task came due (buffer_block, sync_buffer): put the calendar in line with the case */
  | { readonly type: "buffer_due"; readonly bufferMinutes: number }
  /** the provider holds our buffer event at `range` (created, moved, or one found already there) */
  | { readonly type: "buffer_placed"; readonly eventId: string; readonly range: BufferRange }
  /** the provider deleted our buffer event */
  | { readonly type: "buffer_removed" }
  /** a draft of the case was sent or rejected (the shell reads the draft's new status with the case) */
  | { readonly type: "draft_settled" }
  /** the user asks to approve the materials cover note */
  | { readonly type: "materials_approval_asked" }
  | { readonly type: "step_marked_done"; readonly step: CaseStepKind }
  | { readonly type: "materials_links_set"; readonly links: readonly MaterialsLink[] }
  | { readonly type: "user_closed" };

export type OpeningStep = "call_reminder" | "reschedule_proposal" | "materials" | "gift_prompt";

/** A meeting that may be (or was chosen as) the rescheduled one. */
export type CandidateMeeting = MeetingFacts & Pick<RescheduledMeeting, "attendance">;

/** A task row to queue; the key makes a second identical command a no-op. */
export interface StepTask {
  readonly kind: RecoveryTaskKind;
  readonly key: string;
  readonly dueAt: Date;
  readonly payload: Readonly<Record<string, string>>;
}

export type RecoveryTaskKind = CaseStepKind | "sync_buffer";

/**
 * What the shell carries out. Commands marked "keyed" name the idempotency key of what they
 * create: carried out twice, they create it once.
 */
export type CaseCommand =
  | { readonly type: "enqueue"; readonly task: StepTask }
  /** keyed: find the number, store it, put "call them now" in the feed */
  | { readonly type: "remind_call"; readonly key: string }
  /** keyed: read free/busy, draft the proposal with 2–3 slots */
  | { readonly type: "draft_reschedule_proposal"; readonly key: string }
  /** keyed: the gift nudge in the feed */
  | { readonly type: "prompt_gift"; readonly key: string }
  /** keyed: the thank-you draft and the handwritten-note prompt */
  | { readonly type: "draft_thank_you"; readonly key: string; readonly meetingId: string }
  /** create the buffer event at `range`, or move `moveEventId` there (I/O: outside any transaction) */
  | { readonly type: "place_buffer"; readonly range: BufferRange; readonly moveEventId: string | null; readonly meetingId: string }
  /** delete our buffer event (I/O: outside any transaction) */
  | { readonly type: "remove_buffer"; readonly eventId: string; readonly reason: "meeting_gone" | "meeting_past" }
  /** keyed per conflict and buffer position: warn about events booked inside the buffer */
  | { readonly type: "warn_buffer_conflicts"; readonly meetingId: string; readonly range: BufferRange }
  /** keyed: draft (or redraft, or reopen) the cover note naming exactly `links` */
  | { readonly type: "write_materials_note"; readonly key: string; readonly links: readonly MaterialsLink[] }
  /** delete the pending cover note */
  | { readonly type: "withdraw_materials_note"; readonly key: string }
  /** the case closed: its queued steps never run */
  | { readonly type: "cancel_queued_steps" };

/** Why the user's request was refused (the case is unchanged). */
export type CaseRefusal =
  | "case_closed"
  | "already_linked"
  | "missed_meeting_itself"
  | "meeting_not_linkable"
  | "materials_already_sent"
  | "proposal_not_sent";

export interface CaseDecision {
  /** the case after the event; null only while no case exists (a miss not confirmed) */
  readonly next: CaseState | null;
  readonly commands: readonly CaseCommand[];
  readonly refused?: { readonly code: CaseRefusal; readonly message: string };
}

export type { PlacedBuffer };
