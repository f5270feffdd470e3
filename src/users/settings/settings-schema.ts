import { z } from "zod";
import { CHECK_IN_PROMPTS, DETECTION_SETTING_BOUNDS } from "../../detection/index.js";
import { isZoneName, zoneNameProblem } from "../../platform/index.js";
import { workingHoursSchema } from "../../recovery/index.js";

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
    alertChannels: z.array(z.enum(["email", "feed", "webhook"])).max(3),
    webhookUrl: z.url({ protocol: /^https?$/, error: "must be a web address starting with https://" }).nullable(),
    sendVia: z.enum(["mailbox", "smtp"]).describe("approved drafts go out from the user's own mailbox, or over SMTP"),
    checkInPrompt: z
      .enum(CHECK_IN_PROMPTS)
      .describe("meetings we cannot see (in person, phone, other links) that got no check-in: one digest at the end of the working day, a question for each, or never"),
    lateAlertsWithoutSignal: z.boolean().describe("ask 'running late?' after the start of meetings we cannot see too (off: only where joins can be seen)"),
    nudgeMinutes: z.number().int().min(nudgeMinutes.min).max(nudgeMinutes.max).describe("minutes before a meeting we cannot see to offer 'I'm here' / 'running late'; 0 = no nudge"),
    nudgeChannels: z.array(z.enum(["email", "feed", "webhook"])).max(3).describe("where nudges and heads-ups go (the feed by default: they matter for minutes)"),
  })
  .meta({ id: "Settings" });

export type SettingsView = z.infer<typeof settingsView>;

/** PUT /api/settings: any subset; what is left out stays as it was. */
export const settingsUpdate = settingsView.extend({ timeZone: timeZoneSchema }).partial().strict();
export type SettingsUpdate = z.infer<typeof settingsUpdate>;
