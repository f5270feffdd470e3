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
export { formatSlot, formatMeetingTime, formatTimeOfDay, zoneLabel, type TimeRange } from "./format.js";
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
  comfortableEta,
  lateNotice,
  rescheduleProposal,
  materialsCoverNote,
  thankYouNote,
  handwrittenNotePrompt,
  giftPrompt,
  bufferBlockText,
  lateAlert,
  suspectedMissedAlert,
  nudgeAlert,
  digestAlert,
  type DigestItem,
  DEFAULT_WHAT_WENT_WRONG,
  PROPOSAL_MAX_WORDS,
  LATE_NOTICE_MAX_WORDS,
  type EmailDraft,
  type AlertText,
  type CallScript,
  type GiftPrompt,
  type RescheduleProposalInput,
} from "./wording.js";
export {
  caseSteps,
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
