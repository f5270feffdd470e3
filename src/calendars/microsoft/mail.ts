import type { SentMessage } from "../provider.js";
import type { MicrosoftContext } from "./context.js";

/**
 * "user: sendMail" in MIME format: the whole RFC 822 message base64-encoded as the body, with
 * Content-Type text/plain; Graph answers 202 Accepted with no body (so no message id to return)
 * and saves the message in Sent Items.
 */
export async function sendMail(ctx: MicrosoftContext, mime: Buffer): Promise<SentMessage> {
  await ctx.graph.send({ operation: "send mail", method: "POST", path: "/me/sendMail", headers: { "Content-Type": "text/plain" }, body: mime.toString("base64") });
  return { providerMessageId: null };
}
