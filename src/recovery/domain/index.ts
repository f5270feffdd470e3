/** The recovery domain: pure functions, no I/O, no clock (callers pass `now`). */
export {
  proposeSlots,
  preferenceRank,
  SLOT_DEFAULTS,
  MIN_NOTICE_MINUTES,
  SLOT_STEP_MINUTES,
  type BusyInterval,
  type WorkingHours,
  type ProposedSlot,
  type ProposeSlotsInput,
} from "./slots.js";
export { formatSlot, formatSlotForBoth, formatClockForBoth, otherZoneAt, formatMeetingTime, formatTimeOfDay, zoneLabel, type TimeRange } from "./format.js";
export {
  latePlan,
  lateNotice,
  arrivalSentence,
  MAX_MINUTES_LATE,
  MIN_LATE_MARGIN_MINUTES,
  LATE_NOTICE_MAX_WORDS,
  CANT_MAKE_IT_MAX_WORDS,
  type LatePlan,
  type LateNoticeInput,
} from "./late-notice.js";
export {
  findPhoneNumbers,
  normalisePhone,
  contactLines,
  type CountryCode,
  type PhoneCandidate,
  type FindPhoneNumbersInput,
  type NormalisedPhone,
  type PhoneRejection,
} from "./phone.js";
export { firstName, joinNames, greeting, type PersonName } from "./names.js";
export {
  reviewDraft,
  wordCount,
  countApologies,
  containsPhrase,
  BLAME_PHRASES,
  SELF_INSULT_PHRASES,
  GROVEL_PHRASES,
  type DraftFinding,
  type DraftFindingKind,
} from "./review.js";
export {
  callScript,
  rescheduleProposal,
  thankYouNote,
  handwrittenNotePrompt,
  giftPrompt,
  bufferBlockText,
  DEFAULT_WHAT_WENT_WRONG,
  PROPOSAL_MAX_WORDS,
  type EmailDraft,
  type CallScript,
  type GiftPrompt,
  type RescheduleProposalInput,
} from "./wording.js";
export { materialsCoverNote, checkLink, MAX_MATERIALS_LINKS, MAX_LINK_LABEL_LENGTH, type MaterialsLink } from "./materials-note.js";
export {
  caseSteps,
  proposalSettled,
  type DraftStepKind,
  caseFinished,
  CASE_STEP_KINDS,
  type CaseStepKind,
  type StepFacts,
  type StepStatus,
  type StepView,
  type StepTaskStatus,
  type StepDraftStatus,
} from "./steps.js";
export {
  pickRescheduledMeeting,
  planBuffer,
  bufferConflicts,
  externalEmails,
  type MeetingFacts,
  type BufferPlan,
  type BufferRange,
} from "./reschedule.js";
export { decide, closeIfFinished } from "./decide.js";
export { stepFactsOfCase, caseChanges, type CaseState, type CaseChanges, type RescheduledMeeting, type PlacedBuffer } from "./case-state.js";
export type { CaseEvent, CaseCommand, CaseDecision, CaseRefusal, CandidateMeeting, OpeningStep, StepTask, RecoveryTaskKind } from "./case-events.js";
export { stepKey, stepOutputKey, thankYouTask, THANK_YOU_FIRST_CHECK_MS, THANK_YOU_RECHECK_MS, THANK_YOU_GIVE_UP_MS, OPENING_STEPS } from "./case-tasks.js";
