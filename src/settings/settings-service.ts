import type { Database } from "../db/client.js";
import { AppError } from "../platform/errors.js";
import { workingHoursSchema, type SettingsUpdate, type SettingsView } from "./settings-schema.js";

/** Checks a webhook URL before it is saved (https only, no private addresses …). */
export type WebhookUrlCheck = (url: string) => Promise<string | null>;

/** Reads and updates a user's settings; a user always has a row (created on first read). */
export class SettingsService {
  constructor(private readonly deps: { db: Database; checkWebhookUrl: WebhookUrlCheck }) {}

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
    };
  }

  async update(userId: string, update: SettingsUpdate): Promise<SettingsView> {
    const current = await this.get(userId);
    const next = { ...current, ...update };
    if (next.alertChannels.includes("webhook") && !next.webhookUrl) {
      throw new AppError("body/webhookUrl: is required when alertChannels includes webhook", { code: "validation_failed", httpStatus: 400 });
    }
    if (update.webhookUrl) {
      const problem = await this.deps.checkWebhookUrl(update.webhookUrl);
      if (problem) throw new AppError(`body/webhookUrl: ${problem}`, { code: "validation_failed", httpStatus: 400 });
    }
    await this.deps.db.settings.update({
      where: { userId },
      data: { ...update, ...(update.alertChannels ? { alertChannels: [...new Set(update.alertChannels)] } : {}) },
    });
    return this.get(userId);
  }
}
