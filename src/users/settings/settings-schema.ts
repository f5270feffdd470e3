import { z } from "zod";
import { CHECK_IN_PROMPTS, DETECTION_SETTING_BOUNDS } from "../../detection/index.js";
import { isZoneName, zoneNameProblem } from "../../platform/index.js";
import { workingHoursSchema } from "../../recovery/index.js";
import { CHANNELS, TIME_OF_DAY, channelsByKindSchema } from "../../alerts/index.js";

const channels = z.array(z.enum(CHANNELS)).max(CHANNELS.length);
const timeOfDay = z.string().regex(TIME_OF_DAY, { error: "must be a time of day as HH:MM, e.g. 22:00" });

/** Quiet hours in the user's zone; null: none. Push and ntfy hold what can wait until the end. */
export const quietHoursSchema = z
  .object({ start: timeOfDay, end: timeOfDay })
  .strict()
  .refine((hours) => hours.start !== hours.end, { error: "start and end must differ (or switch quiet hours off with null)", path: ["end"] })
  .nullable()
  .describe("e.g. {start: '22:00', end: '07:00'}: push and ntfy hold alerts that can wait (did you miss it?, the digest) until the end; running late and nudges still come");

/** A zone as the user may set it: a tz database name luxon and PostgreSQL read alike (time-zone.ts). */
export const timeZoneSchema = z.string().superRefine((zone, context) => {
  if (!isZoneName(zone)) context.addIssue({ code: "custom", message: zoneNameProblem(zone) });
});

const { lateGraceMinutes, settleMinutes, autoConfirmMinutes, nudgeMinutes } = DETECTION_SETTING_BOUNDS;

/** The user's settings as the API shows them (PRODUCT §7 names, plus a few more). */
export const settingsView = z
  .object({
    // Shown as stored: a zone saved before names were checked must not make the settings page fail.
    timeZone: z.string().describe("an IANA zone name such as Europe/Berlin"),
    lateGraceMinutes: z.number().int().min(lateGraceMinutes.min).max(lateGraceMinutes.max),
    settleMinutes: z.number().int().min(settleMinutes.min).max(settleMinutes.max),
    autoConfirmMinutes: z.number().int().min(autoConfirmMinutes.min).max(autoConfirmMinutes.max).nullable().describe("null: never confirm a miss without asking"),
    bufferMinutes: z.number().int().min(30).max(45).describe("the buffer before a rescheduled meeting (30–45)"),
    giftDelayMinutes: z.number().int().min(0).max(7 * 24 * 60),
    workingHours: workingHoursSchema,
    autoSendLateNotice: z.boolean(),
    alertChannels: channels.describe("where alerts that ask nothing go (a calendar to re-authorise, reminders, buffer conflicts); the four kinds that ask something follow channelsByKind"),
    webhookUrl: z.url({ protocol: /^https?$/, error: "must be a web address starting with https://" }).nullable(),
    sendVia: z.enum(["mailbox", "smtp"]).describe("approved drafts go out from the user's own mailbox, or over SMTP"),
    checkInPrompt: z
      .enum(CHECK_IN_PROMPTS)
      .describe("meetings we cannot see (in person, phone, other links) that got no check-in: one digest at the end of the working day, a question for each, or never"),
    lateAlertsWithoutSignal: z.boolean().describe("ask 'running late?' after the start of meetings we cannot see too (off: only where joins can be seen)"),
    nudgeMinutes: z.number().int().min(nudgeMinutes.min).max(nudgeMinutes.max).describe("minutes before a meeting we cannot see to offer 'I'm here' / 'running late'; 0 = no nudge"),
    nudgeChannels: channels.describe("the same list as channelsByKind.nudges (kept for older clients)"),
    channelsByKind: channelsByKindSchema.describe("channels per kind: nudges (and heads-ups), late, missed, digest"),
    quietHours: quietHoursSchema,
    ntfyUrl: z.url({ protocol: /^https?$/, error: "must be an ntfy topic URL such as https://ntfy.sh/your-topic" }).nullable().describe("the ntfy topic alerts are published to"),
    ntfyTokenSet: z.boolean().describe("whether an ntfy access token is stored (it is never shown back)"),
  })
  .meta({ id: "Settings" });

export type SettingsView = z.infer<typeof settingsView>;

/** PUT /api/settings: any subset; what is left out stays as it was. */
export const settingsUpdate = settingsView
  .omit({ ntfyTokenSet: true })
  .extend({
    timeZone: timeZoneSchema,
    ntfyToken: z.string().trim().min(1).max(200).nullable().describe("an ntfy access token (tk_…); null removes it. Write-only"),
  })
  .partial()
  .strict();
export type SettingsUpdate = z.infer<typeof settingsUpdate>;
