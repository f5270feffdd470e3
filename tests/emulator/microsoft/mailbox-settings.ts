import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { bearerToken, type EmulatorContext } from "../context.js";
import type { Account } from "../state.js";
import { graphCaller } from "./auth.js";
import { sendGraphError } from "./errors.js";

const MAILBOX_SETTINGS_SCOPES = ["MailboxSettings.Read", "MailboxSettings.ReadWrite"];

/**
 * GET /v1.0/me/mailboxSettings and /me/mailboxSettings/timeZone ("Get user mailbox settings").
 * The zone is the account's own (Windows or IANA name, as the administrator set it up). Without
 * MailboxSettings.Read the token gets 403 `ErrorAccessDenied`, Exchange's answer to a missing
 * permission (the docs give no body for this case).
 */
export function registerGraphMailboxSettings(app: FastifyInstance, ctx: EmulatorContext): void {
  const caller = (request: FastifyRequest, reply: FastifyReply): Account | undefined => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return undefined;
    const token = ctx.state.validAccessToken("microsoft", bearerToken(request));
    if (token?.scopes.some((scope) => MAILBOX_SETTINGS_SCOPES.includes(scope))) return account;
    sendGraphError(reply, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    return undefined;
  };
  const context = (account: Account, segment: string): string => `${ctx.baseUrl()}/v1.0/$metadata#users('${account.id}')/${segment}`;

  app.get("/v1.0/me/mailboxSettings", async (request, reply) => {
    const account = caller(request, reply);
    if (!account) return reply;
    // The property values follow the example of "Get user mailbox settings"; only timeZone varies.
    return {
      "@odata.context": context(account, "mailboxSettings"),
      archiveFolder: "AQMkAGI2TAAA",
      timeZone: account.timeZone,
      automaticRepliesSetting: { status: "disabled", externalAudience: "all", internalReplyMessage: "", externalReplyMessage: "", scheduledStartDateTime: { dateTime: "2026-01-01T00:00:00.0000000", timeZone: "UTC" }, scheduledEndDateTime: { dateTime: "2026-01-02T00:00:00.0000000", timeZone: "UTC" } },
      language: { locale: "en-US", displayName: "English (United States)" },
      workingHours: { daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"], startTime: "08:00:00.0000000", endTime: "17:00:00.0000000", timeZone: { name: account.timeZone } },
      userPurpose: { value: "user" },
      dateFormat: "MM/dd/yyyy",
      timeFormat: "hh:mm tt",
      delegateMeetingMessageDeliveryOptions: "sendToDelegateOnly",
    };
  });

  // A single primitive property comes back as OData's { "@odata.context", "value" }.
  app.get("/v1.0/me/mailboxSettings/timeZone", async (request, reply) => {
    const account = caller(request, reply);
    if (!account) return reply;
    return { "@odata.context": context(account, "mailboxSettings/timeZone"), value: account.timeZone };
  });
}
