import { z } from "zod";
import type { PresenceReading } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import type { MicrosoftContext } from "./context.js";

/** GET /me/presence ("Get presence", v1.0): `id`, `availability`, `activity` (and, lately, a status message we ignore). */
const presenceSchema = z.object({ availability: z.string().min(1), activity: z.string().min(1) });

/**
 * Graph answers a personal Microsoft account's /me/presence with 400 `AuthenticationError`
 * ("Error authenticating with resource"): "Get presence" lists delegated personal accounts as
 * "Not supported", and Graph Explorer's maintainers confirm the 400 for them
 * (microsoft-graph-explorer-v4#2838).
 */
const PERSONAL_ACCOUNT_CODE = "authenticationerror";

/**
 * The signed-in user's Teams presence. What the account cannot have (a personal account), may
 * not read (403: Presence.Read not consented, or no Teams licence) or does not have (404) is an
 * answer, "unavailable", with why; throttling, outages and our own mistakes stay ProviderErrors
 * so the caller backs off or retries as with any other call.
 */
export async function readPresence(ctx: MicrosoftContext): Promise<PresenceReading> {
  try {
    const presence = await ctx.graph.json({ operation: "read presence", method: "GET", path: "/me/presence" }, presenceSchema);
    return { available: true, availability: presence.availability, activity: presence.activity, readAt: ctx.clock.now() };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    if (error.kind === "invalid" && error.providerCode?.toLowerCase() === PERSONAL_ACCOUNT_CODE) {
      return { available: false, reason: "Presence is only available for work or school Microsoft accounts, not personal ones" };
    }
    if (error.kind === "forbidden") {
      return { available: false, reason: "Microsoft did not let Makegood read your presence (Presence.Read not granted, or no Teams licence)" };
    }
    if (error.kind === "not_found") return { available: false, reason: "Microsoft has no presence status for this account" };
    throw error;
  }
}
