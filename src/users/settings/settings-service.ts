import type { Database } from "../../platform/index.js";
import { markUserMeetingsDue } from "../../calendars/index.js";
import type { Clock } from "../../platform/index.js";
import { AppError } from "../../platform/index.js";
import { workingHoursSchema } from "../../recovery/index.js";
import type { SettingsUpdate, SettingsView } from "./settings-schema.js";

/** Checks a webhook URL before it is saved (https only, no private addresses …). */
export type WebhookUrlCheck = (url: string) => Promise<string | null>;

const DETECTION_SETTINGS = ["lateGraceMinutes", "settleMinutes", "autoConfirmMinutes", "timeZone", "workingHours", "checkInPrompt", "lateAlertsWithoutSignal", "nudgeMinutes"] as const;

/** Reads and updates a user's settings; a user always has a row (created on first read). */
export class SettingsService {
  constructor(private readonly deps: { db: Database; clock: Clock; checkWebhookUrl: WebhookUrlCheck }) {}

  async get(userId: string): Promise<SettingsView> {
    const row = await this.deps.db.settings.upsert({ where: { userId }, create: { userId }, update: {} });
    return {
      timeZone: row.timeZone,
      lateGraceMinutes: row.lateGraceMinutes,
      settleMinutes: row.settleMinutes,
      autoConfirmMinutes: row.autoConfirmMinutes,
      bufferMinutes: row.bufferMinutes,
      giftDelayMinutes: row.giftDelayMinutes,
      workingHours: workingHoursSchema.parse(row.workingHours),
      autoSendLateNotice: row.autoSendLateNotice,
      alertChannels: row.alertChannels,
      webhookUrl: row.webhookUrl,
      sendVia: row.sendVia === "smtp" ? "smtp" : "mailbox",
      checkInPrompt: row.checkInPrompt,
      lateAlertsWithoutSignal: row.lateAlertsWithoutSignal,
      nudgeMinutes: row.nudgeMinutes,
      nudgeChannels: row.nudgeChannels,
    };
  }

  async update(userId: string, update: SettingsUpdate): Promise<SettingsView> {
    const current = await this.get(userId);
    const next = { ...current, ...update };
    if ((next.alertChannels.includes("webhook") || next.nudgeChannels.includes("webhook")) && !next.webhookUrl) {
      throw new AppError("Add a webhook URL, or untick the webhook channel: webhook alerts need an address to go to.", { code: "validation_failed", httpStatus: 400, details: { field: "webhookUrl" } });
    }
    if (update.webhookUrl) {
      const problem = await this.deps.checkWebhookUrl(update.webhookUrl);
      if (problem) throw new AppError(problem, { code: "validation_failed", httpStatus: 400, details: { field: "webhookUrl" } });
    }
    const data = {
      ...update,
      ...(update.alertChannels ? { alertChannels: [...new Set(update.alertChannels)] } : {}),
      ...(update.nudgeChannels ? { nudgeChannels: [...new Set(update.nudgeChannels)] } : {}),
      // a zone the user (or their browser) chose is never replaced by a calendar's
      ...(update.timeZone !== undefined ? { timeZoneChosen: true } : {}),
    };
    // Detection stores each meeting's next check from these: a changed grace or settle window
    // must be decided again now, not at the instant the old value named.
    const decisive = DETECTION_SETTINGS.some((key) => update[key] !== undefined && JSON.stringify(update[key]) !== JSON.stringify(current[key]));
    await this.deps.db.$transaction(async (tx) => {
      await tx.settings.update({ where: { userId }, data });
      if (decisive) await markUserMeetingsDue(tx, userId, this.deps.clock.now());
    });
    return this.get(userId);
  }
}
