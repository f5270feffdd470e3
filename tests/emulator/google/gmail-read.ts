import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { bearerToken, type EmulatorContext } from "../context.js";
import type { Account, SentMail } from "../state.js";
import { googleCaller } from "./auth.js";
import { sendGoogleError } from "./errors.js";

const METADATA = "https://www.googleapis.com/auth/gmail.metadata";
const READ_SCOPES = new Set([METADATA, "https://www.googleapis.com/auth/gmail.readonly", "https://www.googleapis.com/auth/gmail.modify", "https://mail.google.com/"]);

/** The message's header lines in order and as written (Gmail's payload.headers keeps the sender's spelling). */
function headerLines(raw: string | undefined): Array<{ name: string; value: string }> {
  if (!raw) return [];
  const text = raw.replace(/\r\n/g, "\n");
  const end = text.indexOf("\n\n");
  return (end < 0 ? text : text.slice(0, end)).replace(/\n[ \t]+/g, " ").split("\n").flatMap((line) => {
    const colon = line.indexOf(":");
    return colon > 0 ? [{ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() }] : [];
  });
}

/** `rfc822msgid:` with or without angle brackets, the only operator the emulator searches by. */
function matchesQuery(mail: SentMail, q: string): boolean {
  const terms = q.trim().split(/\s+/).filter(Boolean);
  return terms.every((term) => {
    const id = /^rfc822msgid:(.+)$/i.exec(term)?.[1];
    if (id !== undefined) return (mail.messageId ?? "").replace(/^<|>$/g, "") === id.replace(/^<|>$/g, "");
    if (/^(in|label):sent$/i.test(term)) return true;
    return false;
  });
}

/**
 * users.messages.list and users.messages.get over what the account sent through the emulator
 * (every message carries the SENT label), newest first, as Gmail lists. Scopes as Google
 * enforces them: a read scope is needed (403 insufficientPermissions otherwise), and a token
 * holding gmail.metadata may neither search with `q` ("Metadata scope does not support 'q'
 * parameter", even beside a broader scope) nor ask for format FULL or RAW.
 */
export function registerGmailRead(app: FastifyInstance, ctx: EmulatorContext): void {
  const reader = (request: FastifyRequest<{ Params: { userId: string } }>, reply: FastifyReply): { account: Account; metadataOnly: boolean } | undefined => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return undefined;
    const scopes = ctx.state.validAccessToken("google", bearerToken(request))?.scopes ?? [];
    if (!scopes.some((scope) => READ_SCOPES.has(scope))) {
      sendGoogleError(reply, 403, "Request had insufficient authentication scopes.", { reason: "insufficientPermissions" });
      return undefined;
    }
    if (request.params.userId !== "me" && request.params.userId.toLowerCase() !== account.email) {
      sendGoogleError(reply, 403, "Delegation denied for " + account.email, { reason: "forbidden" });
      return undefined;
    }
    return { account, metadataOnly: scopes.includes(METADATA) };
  };
  const mailbox = (account: Account) => ctx.state.sentMail.filter((mail) => mail.provider === "google" && mail.accountEmail === account.email).reverse();

  app.get<{ Params: { userId: string }; Querystring: Record<string, string | string[] | undefined> }>("/gmail/v1/users/:userId/messages", async (request, reply) => {
    const caller = reader(request, reply);
    if (!caller) return reply;
    const q = typeof request.query["q"] === "string" ? request.query["q"] : undefined;
    if (q !== undefined && caller.metadataOnly) return sendGoogleError(reply, 403, "Metadata scope does not support 'q' parameter", { reason: "forbidden" });
    const labels = ([] as Array<string | undefined>).concat(request.query["labelIds"]).filter((label): label is string => Boolean(label));
    const maxResults = Math.min(Math.max(Number(request.query["maxResults"] ?? 100) || 100, 1), 500);
    const offset = Number(request.query["pageToken"] ?? 0) || 0;
    const matching = mailbox(caller.account).filter((mail) => labels.every((label) => label === "SENT") && (q === undefined || matchesQuery(mail, q)));
    const page = matching.slice(offset, offset + maxResults);
    return {
      ...(page.length > 0 ? { messages: page.map((mail) => ({ id: mail.id, threadId: mail.id })) } : {}),
      ...(offset + maxResults < matching.length ? { nextPageToken: String(offset + maxResults) } : {}),
      resultSizeEstimate: matching.length,
    };
  });

  app.get<{ Params: { userId: string; id: string }; Querystring: Record<string, string | string[] | undefined> }>("/gmail/v1/users/:userId/messages/:id", async (request, reply) => {
    const caller = reader(request, reply);
    if (!caller) return reply;
    const format = typeof request.query["format"] === "string" ? request.query["format"].toLowerCase() : "full";
    if (caller.metadataOnly && (format === "full" || format === "raw")) {
      return sendGoogleError(reply, 403, `Metadata scope doesn't allow format ${format.toUpperCase()}`, { reason: "forbidden" });
    }
    const mail = mailbox(caller.account).find((candidate) => candidate.id === request.params.id);
    if (!mail) return sendGoogleError(reply, 404, "Requested entity was not found.", { reason: "notFound" });
    const wanted = ([] as Array<string | undefined>).concat(request.query["metadataHeaders"]).filter((name): name is string => Boolean(name)).map((name) => name.toLowerCase());
    const headers = headerLines(mail.raw).filter((header) => format !== "metadata" || wanted.length === 0 || wanted.includes(header.name.toLowerCase()));
    const base = { id: mail.id, threadId: mail.id, labelIds: ["SENT"], snippet: mail.body.slice(0, 100), historyId: "1", internalDate: String(Date.parse(mail.sentAt)), sizeEstimate: (mail.raw ?? mail.body).length };
    if (format === "minimal") return base;
    if (format === "raw") return { ...base, raw: Buffer.from(mail.raw ?? "", "utf8").toString("base64url") };
    return { ...base, payload: { partId: "", mimeType: "text/plain", filename: "", headers, ...(format === "full" ? { body: { size: mail.body.length, data: Buffer.from(mail.body, "utf8").toString("base64url") } } : {}) } };
  });
}
