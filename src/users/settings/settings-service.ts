import type { Database } from "../../platform/index.js";
import { markUserMeetingsDue } from "../../calendars/index.js";
import type { Clock } from "../../platform/index.js";
import { AppError } from "../../platform/index.js";
import { workingHoursSchema } from "../../recovery/index.js";
import type { TokenSealer } from "../../platform/index.js";
import { NTFY_TOKEN_CONTEXT, readChannelsByKind, splitTopicUrl, type ChannelsByKind } from "../../alerts/index.js";
import type { SettingsUpdate, SettingsView } from "./settings-schema.js";

/** Checks a webhook URL before it is saved (https only, no private addresses …). */
export type WebhookUrlCheck = (url: string) => Promise<string | null>;

const DETECTION_SETTINGS = ["lateGraceMinutes", "settleMinutes", "autoConfirmMinutes", "timeZone", "workingHours", "checkInPrompt", "lateAlertsWithoutSignal", "nudgeMinutes"] as const;

/** Reads and updates a user's settings; a user always has a row (created on first read). */
export class SettingsService {
  constructor(private readonly deps: { db: Database; clock: Clock; checkWebhookUrl: WebhookUrlCheck; sealer: TokenSealer }) {}

  async get(userId: string): Promise<SettingsView> {
    const row = await this.deps.db.settings.upsert({ where: { userId }, create: { userId }, update: {} });
    const channelsByKind = readChannelsByKind(row.channelsByKind, { alertChannels: row.alertChannels, nudgeChannels: row.nudgeChannels });
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
      nudgeChannels: channelsByKind.nudges,
      channelsByKind,
      quietHours: row.quietHoursStart && row.quietHoursEnd ? { start: row.quietHoursStart, end: row.quietHoursEnd } : null,
      ntfyUrl: row.ntfyUrl,
      ntfyTokenSet: row.ntfyTokenSealed !== null,
    };
  }

  async update(userId: string, update: SettingsUpdate): Promise<SettingsView> {
    const current = await this.get(userId);
    // nudgeChannels is channelsByKind.nudges under its older name: either may be sent.
    const channelsByKind: ChannelsByKind = dedupe({ ...current.channelsByKind, ...update.channelsByKind, ...(update.nudgeChannels ? { nudges: update.nudgeChannels } : {}) });
    const next = { ...current, ...update, channelsByKind };
    const everyList = [next.alertChannels, ...Object.values(channelsByKind)];
    if (everyList.some((list) => list.includes("webhook")) && !next.webhookUrl) {
      throw new AppError("Add a webhook URL, or untick the webhook channel: webhook alerts need an address to go to.", { code: "validation_failed", httpStatus: 400, details: { field: "webhookUrl" } });
    }
    if (everyList.some((list) => list.includes("ntfy")) && !next.ntfyUrl) {
      throw new AppError("Add an ntfy topic URL, or untick ntfy: ntfy alerts need a topic to go to.", { code: "validation_failed", httpStatus: 400, details: { field: "ntfyUrl" } });
    }
    if (update.webhookUrl) {
      const problem = await this.deps.checkWebhookUrl(update.webhookUrl);
      if (problem) throw new AppError(problem, { code: "validation_failed", httpStatus: 400, details: { field: "webhookUrl" } });
    }
    if (update.ntfyUrl) {
      if (!splitTopicUrl(update.ntfyUrl)) {
        throw new AppError("ntfyUrl: the address names no topic; it should look like https://ntfy.sh/your-topic (letters, digits, - and _).", { code: "validation_failed", httpStatus: 400, details: { field: "ntfyUrl" } });
      }
      const problem = await this.deps.checkWebhookUrl(update.ntfyUrl);
      if (problem) throw new AppError(`ntfyUrl: ${problem.replace(/webhooks?/gi, "ntfy")}`, { code: "validation_failed", httpStatus: 400, details: { field: "ntfyUrl" } });
    }
    const { quietHours, ntfyToken, channelsByKind: _byKind, nudgeChannels: _nudges, ...plain } = update;
    const data = {
      ...plain,
      ...(update.alertChannels ? { alertChannels: [...new Set(update.alertChannels)] } : {}),
      ...(update.channelsByKind || update.nudgeChannels ? { channelsByKind, nudgeChannels: channelsByKind.nudges } : {}),
      ...(quietHours !== undefined ? { quietHoursStart: quietHours?.start ?? null, quietHoursEnd: quietHours?.end ?? null } : {}),
      ...(ntfyToken !== undefined ? { ntfyTokenSealed: ntfyToken === null ? null : this.deps.sealer.seal(ntfyToken, NTFY_TOKEN_CONTEXT) } : {}),
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

function dedupe(choice: ChannelsByKind): ChannelsByKind {
  return { nudges: [...new Set(choice.nudges)], late: [...new Set(choice.late)], missed: [...new Set(choice.missed)], digest: [...new Set(choice.digest)] };
}
