import { z } from "zod";
import type { WatchChannel, WatchRequest } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import type { CalendarDirectory } from "./calendars.js";
import { segment, type MicrosoftContext } from "./context.js";
import { PROVIDER } from "./endpoints.js";
import { parseInstant } from "./graph-time.js";

/**
 * Graph's maximum subscription length for Outlook events is 10 080 minutes, "under 7 days"
 * (subscription resource, "Maximum length of subscription per resource type"). We stay a few
 * minutes short so that clock skew between us and Graph cannot push a request over the limit.
 */
const MAX_EVENT_SUBSCRIPTION_MS = (10_080 - 5) * 60_000;

const subscriptionSchema = z.object({ id: z.string(), expirationDateTime: z.string() });

/**
 * Graph subscriptions on the calendar's events. Graph first POSTs `?validationToken=…` to both
 * URLs and creates the subscription only if each echoes the token as text/plain within 10 s,
 * so the webhook route must be live before this is called. Notifications carry `clientState`
 * (our secret); lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed)
 * go to the same address, where the webhook tells them apart by `lifecycleEvent`.
 */
export async function createSubscription(ctx: MicrosoftContext, calendars: CalendarDirectory, request: WatchRequest): Promise<WatchChannel> {
  const resource = (await calendars.isPrimary(request.providerCalendarId)) ? "me/events" : `me/calendars/${segment(request.providerCalendarId)}/events`;
  const created = await ctx.graph.json(
    {
      operation: "create subscription",
      method: "POST",
      path: "/subscriptions",
      body: {
        changeType: "created,updated,deleted",
        notificationUrl: request.address,
        lifecycleNotificationUrl: request.address,
        resource,
        expirationDateTime: boundedExpiry(ctx, request.expiresAt).toISOString(),
        clientState: request.secret,
      },
    },
    subscriptionSchema,
  );
  return { externalId: created.id, resourceId: null, expiresAt: expiryOf(created) };
}

/** PATCH expirationDateTime; a subscription Graph already removed (404) is replaced by a new one. */
export async function renewSubscription(ctx: MicrosoftContext, calendars: CalendarDirectory, channel: WatchChannel, request: WatchRequest): Promise<WatchChannel> {
  try {
    const renewed = await ctx.graph.json(
      { operation: "renew subscription", method: "PATCH", path: `/subscriptions/${segment(channel.externalId)}`, body: { expirationDateTime: boundedExpiry(ctx, request.expiresAt).toISOString() } },
      subscriptionSchema,
    );
    return { externalId: renewed.id, resourceId: null, expiresAt: expiryOf(renewed) };
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "not_found") return createSubscription(ctx, calendars, request);
    throw error;
  }
}

/** DELETE; already gone (404) is what we wanted. */
export async function deleteSubscription(ctx: MicrosoftContext, channel: WatchChannel): Promise<void> {
  try {
    await ctx.graph.send({ operation: "delete subscription", method: "DELETE", path: `/subscriptions/${segment(channel.externalId)}` });
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "not_found") return;
    throw error;
  }
}

function boundedExpiry(ctx: MicrosoftContext, wanted: Date): Date {
  const latest = ctx.clock.now().getTime() + MAX_EVENT_SUBSCRIPTION_MS;
  return new Date(Math.min(wanted.getTime(), latest));
}

function expiryOf(subscription: z.infer<typeof subscriptionSchema>): Date {
  const expiresAt = parseInstant(subscription.expirationDateTime);
  if (!expiresAt) throw new ProviderError(PROVIDER, "invalid", `Microsoft Graph subscription ${subscription.id} has an unreadable expirationDateTime`);
  return expiresAt;
}
