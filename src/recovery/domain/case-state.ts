import type { MaterialsLink } from "./materials-note.js";
import type { BufferRange } from "./reschedule.js";
import type { CaseStepKind, DraftStepKind, StepDraftStatus, StepFacts, StepTaskFacts } from "./steps.js";

/**
 * A recovery case as `decide` reads it: what is stored on the case row, and the facts its
 * steps report (the latest task row of each step, the latest draft of each kind, the linked
 * rescheduled meeting as the calendar has it now). The shell loads it; `decide` returns the
 * next one, and the shell stores what changed (`caseChanges`).
 */
export interface CaseState {
  readonly id: string;
  readonly userId: string;
  /** the missed meeting the case recovers from */
  readonly meetingId: string;
  readonly status: "open" | "closed";
  readonly openedAt: Date;
  readonly closedAt: Date | null;
  /** the rescheduled meeting linked to the case, as last synced */
  readonly rescheduled: RescheduledMeeting | null;
  /** the buffer event we placed before it */
  readonly buffer: PlacedBuffer | null;
  /** steps the user marked done, and when */
  readonly stepsDone: Partial<Record<CaseStepKind, Date>>;
  /** what the user added to send with the materials note */
  readonly materialsLinks: readonly MaterialsLink[];
  readonly tasks: Partial<Record<CaseStepKind, StepTaskFacts>>;
  readonly drafts: Partial<Record<DraftStepKind, StepDraftStatus>>;
  readonly draftsSentAt: Partial<Record<DraftStepKind, Date>>;
}

export interface RescheduledMeeting {
  readonly id: string;
  readonly start: Date;
  readonly end: Date;
  /** cancelled, or deleted from the calendar */
  readonly gone: boolean;
  /** the detection state of the meeting (null: detection has not looked at it yet) */
  readonly attendance: string | null;
}

export interface PlacedBuffer extends BufferRange {
  readonly eventId: string;
}

/** The step rules' view of the case (domain `caseFinished`; the wording's zone is the caller's). */
export function stepFactsOfCase(state: CaseState, now: Date): StepFacts {
  return {
    now,
    tasks: state.tasks,
    drafts: state.drafts,
    draftsSentAt: state.draftsSentAt,
    stepsDone: state.stepsDone,
    materialsLinks: state.materialsLinks.length,
    rescheduled: state.rescheduled ? { cancelled: state.rescheduled.gone, start: state.rescheduled.start } : null,
    bufferPlaced: state.buffer !== null,
  };
}

/** The stored fields of the case that `next` changed, for the shell to write (nothing else). */
export interface CaseChanges {
  status?: "open" | "closed";
  closedAt?: Date | null;
  rescheduledMeetingId?: string | null;
  buffer?: PlacedBuffer | null;
  stepsDone?: Partial<Record<CaseStepKind, Date>>;
  materialsLinks?: readonly MaterialsLink[];
}

export function caseChanges(before: CaseState, next: CaseState): CaseChanges {
  const changes: CaseChanges = {};
  if (next.status !== before.status) changes.status = next.status;
  if (next.closedAt?.getTime() !== before.closedAt?.getTime()) changes.closedAt = next.closedAt;
  if (next.rescheduled?.id !== before.rescheduled?.id) changes.rescheduledMeetingId = next.rescheduled?.id ?? null;
  if (!sameBuffer(next.buffer, before.buffer)) changes.buffer = next.buffer;
  if (next.stepsDone !== before.stepsDone) changes.stepsDone = next.stepsDone;
  if (next.materialsLinks !== before.materialsLinks) changes.materialsLinks = next.materialsLinks;
  return changes;
}

function sameBuffer(a: PlacedBuffer | null, b: PlacedBuffer | null): boolean {
  if (a === null || b === null) return a === b;
  return a.eventId === b.eventId && a.start.getTime() === b.start.getTime() && a.end.getTime() === b.end.getTime();
}
