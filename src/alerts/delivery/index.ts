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
  type SlackButton,
  type SlackMessage,
} from "./alert-message.js";
export { DELIVER_ALERT_TASK, deliverAlertTask, NTFY_TOKEN_CONTEXT, queueAlertDeliveries, queueAlertDeliveriesPerSettings, type DeliverAlertDependencies } from "./deliver-alert-task.js";
export { deliverPush, pushMessageFor, pushTopic } from "./deliver-push.js";
export { ntfyMessage, publishToNtfy, splitTopicUrl, type NtfyMessage, type NtfyTarget } from "./ntfy.js";
export { pinnedPost, type PinnedPostOptions, type PinnedReply } from "./pinned-post.js";
export { pushToDevice, type DeviceSubscription, type PushOutcome, type WebPushOptions } from "./web-push.js";
export { createMailer, messageIdFor, type Mailer, type OutgoingEmail, type SentEmail } from "./mailer.js";
export { OutboxMailer } from "./outbox-mailer.js";
export { classifySmtpError } from "./smtp-errors.js";
export { SmtpMailer, type SmtpMailerOptions } from "./smtp-mailer.js";
export { sendSlackWebhook, type WebhookOptions } from "./webhook.js";
export { nonPublicKind, resolveWebhookTarget, validateWebhookUrl, type WebhookAddressOptions, type WebhookLookup, type WebhookTarget, type WebhookUrlCheck } from "./webhook-address.js";
