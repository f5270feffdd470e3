import type { FastifyInstance } from "fastify";
import { bearerToken, type EmulatorContext } from "../context.js";
import type { SentMail } from "../state.js";
import { graphCaller, graphUrl } from "./auth.js";
import { sendGraphError } from "./errors.js";

const READ_SCOPES = new Set(["mail.readbasic", "mail.read", "mail.readwrite"]);

/** `internetMessageId eq '…'` (OData: a quote inside the literal is doubled), the one filter the emulator evaluates. */
function parseFilter(filter: string): { internetMessageId: string } | undefined {
  const match = /^\s*internetMessageId\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
  return match?.[1] === undefined ? undefined : { internetMessageId: match[1].replace(/''/g, "'") };
}

/** Exchange gives a message sent without one an internetMessageId of its own. */
const internetMessageIdOf = (mail: SentMail): string => mail.messageId ?? `<${mail.id}@emulator.outlook.com>`;

/**
 * "List messages" in a mail folder: `GET /v1.0/me/mailFolders/{id}/messages` for the well-known
 * `sentitems` folder (names are case-insensitive), holding what the account sent with
 * saveToSentItems (MIME sendMail always saves). `$filter=internetMessageId eq '<…>'`, `$select`
 * and `$top`. Needs Mail.ReadBasic, Mail.Read or Mail.ReadWrite (403 ErrorAccessDenied otherwise).
 */
export function registerGraphMailRead(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { folder: string }; Querystring: Record<string, string | undefined> }>("/v1.0/me/mailFolders/:folder/messages", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const scopes = ctx.state.validAccessToken("microsoft", bearerToken(request))?.scopes ?? [];
    if (!scopes.some((scope) => READ_SCOPES.has(scope.toLowerCase()))) return sendGraphError(reply, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    if (request.params.folder.toLowerCase() !== "sentitems") return sendGraphError(reply, 404, "ErrorInvalidIdMalformed", "Id is malformed.");
    const rawFilter = request.query["$filter"];
    const filter = rawFilter === undefined ? undefined : parseFilter(rawFilter);
    if (rawFilter !== undefined && !filter) return sendGraphError(reply, 400, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.");
    const top = Math.min(Math.max(Number(request.query["$top"] ?? 10) || 10, 1), 1000);
    const select = request.query["$select"]?.split(",").map((name) => name.trim()).filter(Boolean);
    const sent = ctx.state.sentMail
      .filter((mail) => mail.provider === "microsoft" && mail.accountEmail === account.email && mail.saveToSentItems && (mail.inSentItemsFrom ?? 0) <= Date.now())
      .filter((mail) => !filter || internetMessageIdOf(mail) === filter.internetMessageId)
      .reverse()
      .slice(0, top);
    const render = (mail: SentMail): Record<string, unknown> => {
      const full: Record<string, unknown> = {
        id: mail.id, internetMessageId: internetMessageIdOf(mail), subject: mail.subject, sentDateTime: mail.sentAt, isDraft: false,
        toRecipients: mail.to.map((address) => ({ emailAddress: { address } })), from: { emailAddress: { address: mail.from } },
      };
      return select ? Object.fromEntries(Object.entries(full).filter(([name]) => name === "id" || select.includes(name))) : full;
    };
    return { "@odata.context": graphUrl(ctx, `/$metadata#users('${account.id}')/mailFolders('sentitems')/messages`), value: sent.map(render) };
  });
}
