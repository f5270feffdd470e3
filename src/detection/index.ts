/** Detection: deciding whether each meeting was attended, late or missed, and the meeting queries built on it. */
export { CheckInLinks } from "./check-in-links.js";
export { type DetectionDependencies, detectMeetings } from "./detect-meetings.js";
export { detectMeetingTask, detectUserTask, fetchEvidenceTask } from "./detect-task.js";
export { digestTask, sendDigestTask } from "./digest.js";
export { CHECK_IN_PROMPTS, DETECTION_SETTING_BOUNDS } from "./domain/index.js";
export { fetchEvidence } from "./fetch-evidence.js";
export { MeetingActions } from "./meeting-actions.js";
export { MeetingQueries } from "./meetings/meeting-queries.js";
export { MEETING_STATES, meetingView } from "./meetings/meeting-view-schema.js";
export { punctualityOf, punctualityReport } from "./meetings/punctuality.js";
export { checkPreviousCallTask } from "./previous-call.js";
