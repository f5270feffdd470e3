import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EmulatorContext } from "../context.js";
import { opaqueId } from "../ids.js";
import { graphCaller } from "./auth.js";
import { sendGraphError } from "./errors.js";

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

export function registerGraphMail(app: FastifyInstance, ctx: EmulatorContext): void {
  // user: sendMail answers 202 Accepted with no body.
  app.post("/v1.0/me/sendMail", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const parsed = sendMailSchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendGraphError(reply, 400, "ErrorInvalidRequest", `Invalid request: ${parsed.error.issues[0]?.path.join(".") ?? ""}`);
    const { message, saveToSentItems } = parsed.data;
    const addresses = (list: z.infer<typeof recipientsSchema>): string[] => (list ?? []).map((r) => r.emailAddress.address.toLowerCase());
    const to = [...addresses(message.toRecipients), ...addresses(message.bccRecipients)];
    const cc = addresses(message.ccRecipients);
    if (to.length + cc.length === 0) return sendGraphError(reply, 400, "ErrorInvalidRecipients", "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
    ctx.state.sentMail.push({
      provider: "microsoft", accountEmail: account.email, id: opaqueId("AAMkAD", 24), from: account.email, to, cc, subject: message.subject ?? "",
      messageId: message.internetMessageId, body: message.body?.content ?? "", raw: undefined, saveToSentItems: saveToSentItems ?? true, sentAt: new Date(ctx.state.now()).toISOString(),
    });
    return reply.code(202).send();
  });
}
