import type { FastifyInstance } from "fastify";
import { bearerToken, type EmulatorContext } from "../context.js";
import { PERSONAL_TENANT_ID } from "../state.js";
import { graphCaller } from "./auth.js";
import { sendGraphError } from "./errors.js";

const PRESENCE_SCOPES = ["Presence.Read", "Presence.Read.All"];

/**
 * GET /v1.0/me/presence ("Get presence"): `{ id, availability, activity, statusMessage }` for a
 * work or school account. A personal account gets 400 `AuthenticationError` "Error authenticating
 * with resource" (the docs say "Not supported"; the status and body are what Graph Explorer users
 * report, microsoft-graph-explorer-v4#2838). A token without Presence.Read gets 403 `Forbidden`
 * (a guess: the docs give no body; a 2019 beta answered 401 "Unauthorized").
 */
export function registerGraphPresence(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get("/v1.0/me/presence", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    if (account.tenantId === PERSONAL_TENANT_ID) return sendGraphError(reply, 400, "AuthenticationError", "Error authenticating with resource");
    const token = ctx.state.validAccessToken("microsoft", bearerToken(request));
    if (!token?.scopes.some((scope) => PRESENCE_SCOPES.includes(scope))) return sendGraphError(reply, 403, "Forbidden", "Forbidden");
    const presence = ctx.state.presenceOf(account.id);
    return {
      "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#users('${account.id}')/presence/$entity`,
      id: account.id,
      availability: presence.availability,
      activity: presence.activity,
      statusMessage: null,
    };
  });
}
