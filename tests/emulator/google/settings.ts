import type { FastifyInstance } from "fastify";
import { bearerToken, type EmulatorContext } from "../context.js";
import type { Account } from "../state.js";
import { googleCaller } from "./auth.js";
import { googleNotFound, sendGoogleError } from "./errors.js";

/** settings.get "Authorization": any of these scopes. */
const SETTINGS_SCOPES = [
  "https://www.googleapis.com/auth/calendar.readonly",
  "https://www.googleapis.com/auth/calendar",
  "https://www.googleapis.com/auth/calendar.settings.readonly",
  "https://www.googleapis.com/auth/calendar.settings",
];

/** A few of the documented user settings; "timezone" is the account's own, the rest fixed. */
function settingValue(account: Account, id: string): string | undefined {
  const values: Record<string, string> = { timezone: account.timeZone, locale: "en", weekStart: "0", format24HourTime: "false", defaultEventLength: "60" };
  return values[id];
}

/**
 * GET /calendar/v3/users/me/settings/{setting} ("Settings: get"): a `calendar#setting` resource.
 * An unknown setting id answers 404; a token without a calendar read or settings scope answers
 * 403 `insufficientPermissions` (Google's usual "insufficient authentication scopes" error).
 */
export function registerGoogleSettings(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { setting: string } }>("/calendar/v3/users/me/settings/:setting", async (request, reply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    const token = ctx.state.validAccessToken("google", bearerToken(request));
    if (!token?.scopes.some((scope) => SETTINGS_SCOPES.includes(scope))) {
      return sendGoogleError(reply, 403, "Request had insufficient authentication scopes.", { reason: "insufficientPermissions" });
    }
    const value = settingValue(account, request.params.setting);
    if (value === undefined) return googleNotFound(reply);
    return { kind: "calendar#setting", etag: `"${Buffer.from(`${request.params.setting}:${value}`).toString("base64url")}"`, id: request.params.setting, value };
  });
}
