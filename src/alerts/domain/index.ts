/** The pure part of alerts: what each one says, which answers it offers, where it goes and when. */
export { ACTION_DONE, ALERT_ACTIONS, QUICK_LATE_MINUTES, actionExpiry, actionLabel, actionsFor, type AlertAction } from "./alert-actions.js";
export { CHANNELS, KIND_GROUPS, channelsByKindSchema, channelsForKind, defaultChannelsByKind, kindGroup, readChannelsByKind, type Channel, type ChannelsByKind, type KindGroup } from "./alert-routing.js";
export { digestAlert, lateAlert, nudgeAlert, placesHeadsUp, stillInCallHeadsUp, suspectedMissedAlert, type AlertText, type DigestItem } from "./alert-wording.js";
export {
  MAX_PAYLOAD_BYTES,
  alertNotification,
  notificationPreview,
  notificationTag,
  shortNotification,
  type AlertForNotification,
  type AlertNotification,
  type NotificationAction,
  type NotificationPreview,
} from "./notification.js";
export { QUIET_CHANNELS, TIME_OF_DAY, deliveryDueAt, quietWindowEnd, type QuietHours } from "./quiet-hours.js";
