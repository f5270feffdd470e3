/** Users: identity (sessions, profile) and their settings. */
export { profileView } from "./identity/profile-view-schema.js";
export { profileOf } from "./identity/profile.js";
export { SessionStore, type SessionUser } from "./identity/session-store.js";
export { settingsUpdate, settingsView } from "./settings/settings-schema.js";
export { SettingsService } from "./settings/settings-service.js";
export { webhookProblemInWords } from "./settings/webhook-problem.js";
