export { alertLinks, type AlertLink } from "./alert-links.js";
export {
  escapeHtml,
  renderAlertEmail,
  renderAlertSlack,
  type AlertEmailContent,
  type AlertForMessage,
  type AlertMessageInput,
  type MeetingForMessage,
  type SlackBlock,
  type SlackMessage,
} from "./alert-message.js";
export { DELIVER_ALERT_TASK, deliverAlertTask, queueAlertDeliveries, queueAlertDeliveriesPerSettings, type DeliverAlertDependencies } from "./deliver-alert-task.js";
export { createMailer, messageIdFor, type Mailer, type OutgoingEmail, type SentEmail } from "./mailer.js";
export { OutboxMailer } from "./outbox-mailer.js";
export { classifySmtpError } from "./smtp-errors.js";
export { SmtpMailer, type SmtpMailerOptions } from "./smtp-mailer.js";
export { sendSlackWebhook, type WebhookOptions } from "./webhook.js";
export { nonPublicKind, resolveWebhookTarget, validateWebhookUrl, type WebhookAddressOptions, type WebhookLookup, type WebhookTarget, type WebhookUrlCheck } from "./webhook-address.js";
