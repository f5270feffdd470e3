/** Alerts: raising and answering them, the live feed, their wording and their delivery (email, Slack, the outbox). */
export { announceAlertsReset, answerAlert, answerMeetingAlerts, closeAlerts, MEETING_QUESTIONS, reopenMeetingAlerts } from "./alert-lifecycle.js";
export { AlertQueries, type AlertView } from "./alert-queries.js";
export { AlertStream, announceAlerts } from "./alert-stream.js";
export { alertView } from "./alert-view-schema.js";
export {
  ACTION_DONE,
  CHANNELS,
  KIND_GROUPS,
  QUICK_LATE_MINUTES,
  TIME_OF_DAY,
  actionsFor,
  channelsByKindSchema,
  defaultChannelsByKind,
  digestAlert,
  lateAlert,
  notificationPreview,
  nudgeAlert,
  placesHeadsUp,
  readChannelsByKind,
  stillInCallHeadsUp,
  suspectedMissedAlert,
  type AlertAction,
  type AlertText,
  type Channel,
  type ChannelsByKind,
  type DigestItem,
  type NotificationPreview,
} from "./domain/index.js";
export { ALERT_ACTION_PATH, AlertActionLinks, type AlertActionClaims, type AlertActionVerdict } from "./action-links.js";
export { browserLabel, pushDeviceView, pushSubscriptionInput, PushSubscriptions, type PushDeviceView, type PushSubscriptionInput } from "./push-subscriptions.js";
export {
  createMailer,
  deliverAlertTask,
  escapeHtml,
  messageIdFor,
  NTFY_TOKEN_CONTEXT,
  OutboxMailer,
  splitTopicUrl,
  type WebPushOptions,
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
