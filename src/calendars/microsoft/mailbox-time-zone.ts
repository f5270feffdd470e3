import { z } from "zod";
import type { MicrosoftContext } from "./context.js";
import { toIanaZone } from "./time-zones.js";

/** "Get user mailbox settings": `timeZone` is a string, absent when the mailbox has none set. */
const mailboxSettingsSchema = z.object({ timeZone: z.string().nullish() });

/**
 * The user's preferred zone from GET /me/mailboxSettings (needs MailboxSettings.Read; User.Read
 * does not cover it). Graph returns it in the format the administrator set up, Windows
 * ("Pacific Standard Time", the default) or IANA, so it goes through the same mapping as event
 * zones; a custom zone ("Customized Time Zone") maps to nothing and gives null.
 */
export async function readMailboxTimeZone(ctx: MicrosoftContext): Promise<string | null> {
  const settings = await ctx.graph.json({ operation: "read mailbox settings", method: "GET", path: "/me/mailboxSettings" }, mailboxSettingsSchema);
  return toIanaZone(settings.timeZone);
}
