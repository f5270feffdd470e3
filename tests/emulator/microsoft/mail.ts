import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EmulatorContext } from "../context.js";
import { opaqueId } from "../ids.js";
import type { Account, SentMail } from "../state.js";
import { graphCaller } from "./auth.js";
import { sendGraphError } from "./errors.js";
import { decodeMimeBody, sentMailFromMime } from "./mime-mail.js";

const recipientsSchema = z.array(z.object({ emailAddress: z.object({ address: z.string(), name: z.string().optional() }) })).optional();
const sendMailSchema = z.object({
  message: z.object({
    subject: z.string().optional(),
    body: z.object({ contentType: z.string().optional(), content: z.string().optional() }).optional(),
    toRecipients: recipientsSchema,
    ccRecipients: recipientsSchema,
    bccRecipients: recipientsSchema,
    internetMessageId: z.string().optional(),
  }),
  saveToSentItems: z.boolean().optional(),
});

const noRecipients = "At least one recipient isn't valid., A message can't be sent because it contains no recipients.";

/**
 * "user: sendMail" answers 202 Accepted with no body, in JSON form (Content-Type application/json,
 * {message, saveToSentItems}) or MIME form (Content-Type text/plain, the base64-encoded message; the
 * message is always saved in Sent Items). Malformed base64 answers 400 ErrorMimeContentInvalidBase64String.
 */
export function registerGraphMail(app: FastifyInstance, ctx: EmulatorContext): void {
  const base = (account: Account): Pick<SentMail, "provider" | "accountEmail" | "id" | "sentAt" | "inSentItemsFrom"> => ({
    provider: "microsoft", accountEmail: account.email, id: opaqueId("AAMkAD", 24), sentAt: new Date(ctx.state.now()).toISOString(),
    inSentItemsFrom: Date.now() + ctx.state.sentItemsDelayMs,
  });

  app.post("/v1.0/me/sendMail", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    if (/^text\/plain\b/i.test(request.headers["content-type"] ?? "")) {
      const mime = decodeMimeBody(typeof request.body === "string" ? request.body : "");
      if (mime === undefined) return sendGraphError(reply, 400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
      const mail = sentMailFromMime(mime, account.email);
      if (mail.to.length + mail.cc.length === 0) return sendGraphError(reply, 400, "ErrorInvalidRecipients", noRecipients);
      ctx.state.sentMail.push({ ...base(account), ...mail });
      return reply.code(202).send();
    }
    const parsed = sendMailSchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendGraphError(reply, 400, "ErrorInvalidRequest", `Invalid request: ${parsed.error.issues[0]?.path.join(".") ?? ""}`);
    const { message, saveToSentItems } = parsed.data;
    const addresses = (list: z.infer<typeof recipientsSchema>): string[] => (list ?? []).map((r) => r.emailAddress.address.toLowerCase());
    const to = [...addresses(message.toRecipients), ...addresses(message.bccRecipients)];
    const cc = addresses(message.ccRecipients);
    if (to.length + cc.length === 0) return sendGraphError(reply, 400, "ErrorInvalidRecipients", noRecipients);
    ctx.state.sentMail.push({
      ...base(account), from: account.email, to, cc, subject: message.subject ?? "",
      messageId: message.internetMessageId, body: message.body?.content ?? "", raw: undefined, saveToSentItems: saveToSentItems ?? true,
    });
    return reply.code(202).send();
  });
}
