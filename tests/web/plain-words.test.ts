import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { settingsUpdate } from "../../src/users/settings/settings-schema.js";
import { describeIssues, type ValidationIssue } from "../../src/web/plugins/validation-messages.js";
import { seedUserWithMeetings } from "../support/seed.js";
import { startHarness, type Harness } from "../support/service-harness.js";

/** What the error handler would say for `body` against `schema` (the issues as fastify-type-provider-zod passes them). */
function said(schema: z.ZodType, body: unknown): { field: string; message: string }[] {
  const result = schema.safeParse(body);
  if (result.success) return [];
  const issues: ValidationIssue[] = result.error.issues.map(({ code, path, message, ...params }) => ({ keyword: code, instancePath: `/${path.join("/")}`, message, params }));
  return describeIssues("body", issues, schema);
}

describe("validation in plain words: every settings field", () => {
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ lateGraceMinutes: -1 }, "lateGraceMinutes", "Grace minutes must be a whole number from 0 to 60."],
    [{ lateGraceMinutes: 1.5 }, "lateGraceMinutes", "Grace minutes must be a whole number from 0 to 60."],
    [{ lateGraceMinutes: null }, "lateGraceMinutes", "Grace minutes must be a whole number from 0 to 60."],
    [{ settleMinutes: 241 }, "settleMinutes", "Settle window minutes must be a whole number from 0 to 240."],
    [{ autoConfirmMinutes: 1441 }, "autoConfirmMinutes", "Minutes before a miss is confirmed on its own must be a whole number from 0 to 1440."],
    [{ bufferMinutes: 29 }, "bufferMinutes", "Buffer minutes must be a whole number from 30 to 45."],
    [{ giftDelayMinutes: 99999 }, "giftDelayMinutes", "Gift reminder delay (minutes) must be a whole number from 0 to 10080."],
    [{ nudgeMinutes: "ten" }, "nudgeMinutes", "Reminder minutes must be a whole number from 0 to 60."],
    [{ timeZone: "Mars/Olympus" }, "timeZone", "Time zone must be a zone name such as Europe/Berlin (got \"Mars/Olympus\")."],
    [{ workingHours: { days: [], start: "09:00", end: "17:00" } }, "workingHours.days", "Choose at least one working day."],
    [{ workingHours: { days: [1, 8], start: "09:00", end: "17:00" } }, "workingHours.days", "Working days must be a whole number from 1 to 7."],
    [{ workingHours: { days: [1], start: "9", end: "17:00" } }, "workingHours.start", "Working hours start must be a time as HH:mm, e.g. 09:00."],
    [{ workingHours: { days: [1], start: "18:00", end: "17:00" } }, "workingHours.end", "Working hours end must be later than the start."],
    [{ autoSendLateNotice: "yes" }, "autoSendLateNotice", "Send late notices at once must be true or false."],
    [{ alertChannels: ["sms"] }, "alertChannels", "Alert channels must be one of: email, feed, webhook, push, ntfy."],
    [{ quietHours: { start: "22:00", end: "7" } }, "quietHours.end", "Quiet hours end must be a time of day as HH:MM, e.g. 22:00."],
    [{ channelsByKind: { nudges: ["pager"], late: [], missed: [], digest: [] } }, "channelsByKind.nudges", "Channels for reminders and heads-ups must be one of: email, feed, webhook, push, ntfy."],
    [{ ntfyUrl: "ntfy.sh/topic" }, "ntfyUrl", "ntfy topic must be an ntfy topic URL such as https://ntfy.sh/your-topic."],
    [{ webhookUrl: "hooks.slack.com/x" }, "webhookUrl", "Webhook URL must be a web address starting with https://."],
    [{ sendVia: "pigeon" }, "sendVia", "Send approved emails must be one of: mailbox, smtp."],
    [{ checkInPrompt: "sometimes" }, "checkInPrompt", "When you didn't tap I'm here must be one of: digest, each, never."],
    [{ lateAlertsWithoutSignal: 1 }, "lateAlertsWithoutSignal", "Ask \u201cRunning late?\u201d for meetings we can't see must be true or false."],
    [{ nudgeChannels: "feed" }, "nudgeChannels", "Reminder channels must be a list."],
    [{ lunch: "12:00" }, "", "\u201clunch\u201d is not a field we know; leave it out."],
  ];
  it.each(cases)("%j → %s: %s", (body, field, message) => {
    expect(said(settingsUpdate, body)).toEqual([{ field, message }]);
  });
});

describe("validation in plain words over HTTP: the bodies the dashboard sends", () => {
  let harness: Harness;
  let cookie: string;

  beforeAll(async () => {
    harness = await startHarness();
    const { userId } = await seedUserWithMeetings(harness.service.services.db, { meetings: [] });
    const { token } = await harness.service.services.sessions.create(userId);
    cookie = `mg_session=${harness.service.app.signCookie(token)}`;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  async function refusal(method: string, path: string, body: unknown): Promise<{ status: number; error: { code: string; message: string; field?: string; issues?: unknown[] } }> {
    const response = await fetch(`${harness.baseUrl}${path}`, { method, headers: { cookie, origin: harness.baseUrl, "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, ...((await response.json()) as { error: { code: string; message: string; field?: string } }) };
  }

  it("the late notice's minutes, an empty box or too many, say the range", async () => {
    const range = "Type how many minutes late, from 1 to 240.";
    for (const [minutes, message] of [[null, range], [0, range], [241, range], [2.5, "Type whole minutes, e.g. 10."]] as const) {
      const { status, error } = await refusal("POST", `/api/meetings/${randomUUID()}/running-late`, { minutes });
      expect(status).toBe(400);
      expect(error, String(minutes)).toEqual({ code: "validation_failed", message, field: "minutes", issues: [{ field: "minutes", message }] });
    }
  });

  it("confirming a miss, a draft's edits, a phone number and a settings change name their field", async () => {
    expect((await refusal("POST", `/api/meetings/${randomUUID()}/confirm`, { missed: "yes" })).error).toMatchObject({ field: "missed", message: "Missed must be true or false." });
    expect((await refusal("POST", `/api/drafts/${randomUUID()}/approve`, { subject: 5 })).error).toMatchObject({ field: "subject", message: "Subject must be text." });
    expect((await refusal("POST", `/api/cases/${randomUUID()}/phone`, { phone: "x".repeat(61) })).error).toMatchObject({ field: "phone", message: "Phone number must be at most 60 characters long." });
    const settings = await refusal("PUT", "/api/settings", { bufferMinutes: 50, webhookUrl: "nope" });
    expect(settings.status).toBe(400);
    expect(settings.error.message).toBe("Buffer minutes must be a whole number from 30 to 45. Webhook URL must be a web address starting with https://.");
    expect(settings.error.field).toBe("bufferMinutes");
  });

  it("a webhook address nobody answers at, or one left out, is explained in words", async () => {
    const unknown = await refusal("PUT", "/api/settings", { alertChannels: ["email", "webhook"], webhookUrl: "https://hooks.slak.invalid/services/T/B/x" });
    expect(unknown.status).toBe(400);
    expect(unknown.error).toMatchObject({ field: "webhookUrl", message: expect.stringMatching(/^No server answers at \u201chooks\.slak\.invalid\u201d: check the address for a typo/) });
    expect(unknown.error.message).not.toMatch(/getaddrinfo|ENOTFOUND/);
    const missing = await refusal("PUT", "/api/settings", { alertChannels: ["webhook"], webhookUrl: null });
    expect(missing.error).toMatchObject({ field: "webhookUrl", message: "Add a webhook URL, or untick the webhook channel: webhook alerts need an address to go to." });
  });
});
