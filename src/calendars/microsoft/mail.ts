import { z } from "zod";
import type { SentMailLookup, SentMessage } from "../provider.js";
import type { MicrosoftContext } from "./context.js";

/**
 * "user: sendMail" in MIME format: the whole RFC 822 message base64-encoded as the body, with
 * Content-Type text/plain; Graph answers 202 Accepted with no body (so no message id to return)
 * and saves the message in Sent Items.
 */
export async function sendMail(ctx: MicrosoftContext, mime: Buffer, deadline: Date): Promise<SentMessage> {
  await ctx.graph.send({ operation: "send mail", method: "POST", path: "/me/sendMail", headers: { "Content-Type": "text/plain" }, body: mime.toString("base64"), deadline });
  return { providerMessageId: null };
}

const sentItemsPage = z.object({ value: z.array(z.object({ id: z.string(), internetMessageId: z.string().nullish() })) });

/**
 * A message in Sent Items by its Message-ID ("List messages" in the sentitems well-known folder,
 * `$filter=internetMessageId eq '<…>'`; Mail.ReadBasic is enough: it reads every property but the
 * body). A MIME sendMail keeps the Message-ID header we wrote as the saved copy's internetMessageId.
 * OData string literals double an embedded single quote.
 */
export async function findSentMail(ctx: MicrosoftContext, messageId: string): Promise<SentMailLookup> {
  const literal = messageId.replace(/'/g, "''");
  const filter = encodeURIComponent(`internetMessageId eq '${literal}'`);
  const page = await ctx.graph.json({ operation: "find sent mail", method: "GET", path: `/me/mailFolders/sentitems/messages?$filter=${filter}&$select=id,internetMessageId&$top=1` }, sentItemsPage);
  const match = page.value.find((message) => message.internetMessageId === messageId);
  return match ? { found: true, providerMessageId: match.id } : { found: false };
}
