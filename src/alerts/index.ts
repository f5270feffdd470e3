/** Alerts: raising and answering them, the live feed, their wording and their delivery (email, Slack, the outbox). */
export { announceAlertsReset, answerAlert, answerMeetingAlerts, closeAlerts, MEETING_QUESTIONS, reopenMeetingAlerts } from "./alert-lifecycle.js";
export { AlertQueries, type AlertView } from "./alert-queries.js";
export { AlertStream, announceAlerts } from "./alert-stream.js";
export { alertView } from "./alert-view-schema.js";
export { digestAlert, lateAlert, nudgeAlert, placesHeadsUp, stillInCallHeadsUp, suspectedMissedAlert, type AlertText, type DigestItem } from "./domain/index.js";
export {
  createMailer,
  deliverAlertTask,
  escapeHtml,
  messageIdFor,
  OutboxMailer,
  queueAlertDeliveriesPerSettings,
  resolveWebhookTarget,
  type Mailer,
  type OutgoingEmail,
  type SentEmail,
} from "./delivery/index.js";
export { OutboxQueries } from "./delivery/outbox-queries.js";
export { recordOutboxMessage } from "./delivery/outbox-record.js";
export { outboxMessageView, type OutboxMessageView } from "./delivery/outbox-view-schema.js";
export { raiseAlert } from "./raise-alert.js";
export { undoVerdict, type UndoFacts, type UndoVerdict } from "./undo-verdict.js";
