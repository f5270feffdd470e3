export {
  MEETING_STATES,
  FINAL_STATES,
  LEGAL_TRANSITIONS,
  isFinalState,
  isLegalTransition,
  type Arrow,
  type MeetingState,
} from "./states.js";
export {
  ATTENDANCE_EVIDENCE_KINDS,
  strongestAttendance,
  othersJoinedWithoutUser,
  type AttendanceEvidenceKind,
  type EvidenceItem,
  type EvidenceKind,
} from "./evidence.js";
export { digestTimeFor } from "./digest-time.js";
export {
  PLACES_LEAD_MINUTES,
  STILL_IN_CALL_LEAD_MINUTES,
  previousCallWorthReading,
  twoPlacesBackToBack,
  type HeadsUpFacts,
  type PreviousMeeting,
} from "./heads-up.js";
export {
  CHECK_IN_PROMPTS,
  DEFAULT_DETECTION_SETTINGS,
  DETECTION_SETTING_BOUNDS,
  detectionSettingsProblems,
  type CheckInPrompt,
  type DetectionSettings,
  type SettingsProblem,
} from "./settings.js";
export { endedBeforeWatching, signalSeesAbsence, type DetectableMeeting, type UnwatchedReason } from "./detectable-meeting.js";
export {
  alertKey,
  ASK_NOTHING,
  type AskPolicy,
  recoveryCaseKey,
  type AlertCommand,
  type Decision,
  type DetectionAlertKind,
  type TaskCommand,
  type Transition,
  type TransitionReason,
} from "./decision.js";
export { decide, type DetectionInput } from "./decide.js";
export { applyUserAction, type UserAction, type UserActionRefusal, type UserActionResult } from "./user-actions.js";
