/** Recovery: a missed meeting's case, its steps, and the drafts the user approves. */
export { CaseService, USER_DONE_STEPS } from "./case-service.js";
export { caseView } from "./case-view-schema.js";
export { MAX_MINUTES_LATE } from "./domain/index.js";
export { DraftService } from "./drafts/draft-actions.js";
export { DRAFT_STATUSES, draftEdit, draftView } from "./drafts/draft-view-schema.js";
export { inboxOrder } from "./drafts/draft-view.js";
export { sendDraftTask } from "./drafts/send-draft.js";
export { queueRescheduleMatching } from "./match-reschedule.js";
export { type RecoveryDependencies } from "./recovery-deps.js";
export { recoveryTaskHandlers } from "./task-handlers.js";
export { workingHoursSchema } from "./working-hours-schema.js";
