import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EmulatorContext } from "../context.js";
import { addressList, multipartParts, parseMessage } from "../mime.js";
import { googleCaller } from "./auth.js";
import { sendGoogleError } from "./errors.js";

/** The RFC 822 message from the metadata-only JSON form ({raw}) or either upload form (media, multipart). */
function rawMessage(request: FastifyRequest): string | undefined {
  const contentType = request.headers["content-type"] ?? "";
  const body = request.body;
  if (typeof body === "object" && body !== null && "raw" in body && typeof body.raw === "string") {
    return Buffer.from(body.raw, "base64url").toString("utf8");
  }
  if (typeof body !== "string") return undefined;
  if (/^multipart\//i.test(contentType)) {
    // multipart/related: part 1 is the JSON metadata, part 2 the message/rfc822 media.
    const media = multipartParts(contentType, body)[1];
    if (!media) return undefined;
    return media.replace(/^[\s\S]*?\n\n/, "");
  }
  return body;
}

export function registerGmail(app: FastifyInstance, ctx: EmulatorContext): void {
  const send = async (request: FastifyRequest<{ Params: { userId: string } }>, reply: FastifyReply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    if (request.params.userId !== "me" && request.params.userId.toLowerCase() !== account.email) {
      return sendGoogleError(reply, 403, "Delegation denied for " + account.email, { reason: "forbidden" });
    }
    const raw = rawMessage(request);
    if (!raw) return sendGoogleError(reply, 400, "'raw' RFC822 payload message string or uploading message via /upload/* URL required", { reason: "invalidArgument" });
    const sentRaw = ctx.state.gmailRewritesMessageId
      ? raw.replace(/^Message-ID:[^\r\n]*/im, `Message-ID: <${Math.random().toString(36).slice(2)}@mail.gmail.com>`)
      : raw;
    const message = parseMessage(sentRaw);
    const to = [...addressList(message.headers.get("to")), ...addressList(message.headers.get("bcc"))];
    if (to.length === 0 && addressList(message.headers.get("cc")).length === 0) {
      return sendGoogleError(reply, 400, "Invalid To header", { reason: "invalidArgument" });
    }
    const id = Math.floor(ctx.state.now()).toString(16) + Math.floor(Math.random() * 0xffff).toString(16).padStart(4, "0");
    ctx.state.sentMail.push({
      provider: "google", accountEmail: account.email, id, from: message.headers.get("from") ?? account.email, to,
      cc: addressList(message.headers.get("cc")), subject: message.headers.get("subject") ?? "", messageId: message.headers.get("message-id"),
      body: message.body, raw: sentRaw, saveToSentItems: true, sentAt: new Date(ctx.state.now()).toISOString(),
    });
    return { id, threadId: id, labelIds: ["SENT"] };
  };
  app.post("/gmail/v1/users/:userId/messages/send", send);
  app.post("/upload/gmail/v1/users/:userId/messages/send", send);
}
