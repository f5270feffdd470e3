import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { EmulatorContext } from "../context.js";
import { guid } from "../ids.js";
import type { Account, EventChange, GraphSubscription, StoredEvent } from "../state.js";
import { graphCaller } from "./auth.js";
import { sendGraphError } from "./errors.js";

/** Outlook event subscriptions may last at most 10 080 minutes (subscription resource, "Maximum length"). */
const MAX_EXPIRATION_MINUTES = 10_080;
const EVENT_RESOURCES = /^\/?(me|users\/[^/]+)\/(events|calendar\/events)$/i;

const createSchema = z.object({
  changeType: z.string().min(1),
  notificationUrl: z.string().url(),
  lifecycleNotificationUrl: z.string().url().optional(),
  resource: z.string().min(1),
  expirationDateTime: z.string(),
  clientState: z.string().max(128).optional(),
  latestSupportedTlsVersion: z.string().optional(),
});

export type LifecycleEvent = "reauthorizationRequired" | "subscriptionRemoved" | "missed";

function subscriptionResource(ctx: EmulatorContext, subscription: GraphSubscription): object {
  return {
    "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#subscriptions/$entity`,
    id: subscription.id, resource: subscription.resource, applicationId: subscription.clientId, changeType: subscription.changeType,
    clientState: subscription.clientState ?? null, notificationUrl: subscription.notificationUrl, notificationQueryOptions: null,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl ?? null, expirationDateTime: subscription.expirationDateTime,
    creatorId: subscription.accountId, includeResourceData: null, latestSupportedTlsVersion: "v1_2", encryptionCertificate: null,
    encryptionCertificateId: null, notificationUrlAppId: null,
  };
}

/**
 * "Notification endpoint validation": POST {url}?validationToken=... (text/plain) and expect, within
 * 10 seconds, 200 with the token echoed as text/plain.
 */
async function validateEndpoint(ctx: EmulatorContext, url: string): Promise<boolean> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${guid()}`;
  const target = new URL(url);
  target.searchParams.set("validationToken", token);
  const result = await ctx.webhooks.post(target.toString(), { "content-type": "text/plain; charset=utf-8" }, "", ctx.settings.subscriptionValidationTimeoutMs);
  return result !== undefined && result.status === 200 && /^text\/plain/i.test(result.contentType) && result.body === token;
}

/** Sends a lifecycle notification (reauthorizationRequired, subscriptionRemoved, missed) to lifecycleNotificationUrl. */
export function sendLifecycleNotification(ctx: EmulatorContext, subscription: GraphSubscription, lifecycleEvent: LifecycleEvent): void {
  if (!subscription.lifecycleNotificationUrl) throw new Error(`subscription ${subscription.id} has no lifecycleNotificationUrl`);
  const account = ctx.state.accounts.get(subscription.accountId);
  const body = { value: [{ subscriptionId: subscription.id, subscriptionExpirationDateTime: subscription.expirationDateTime, tenantId: account?.tenantId ?? "", clientState: subscription.clientState ?? null, lifecycleEvent }] };
  if (lifecycleEvent === "subscriptionRemoved") subscription.deleted = true;
  ctx.webhooks.postInBackground(subscription.lifecycleNotificationUrl, { "content-type": "application/json; charset=utf-8" }, JSON.stringify(body), ctx.settings.webhookTimeoutMs);
}

function changeNotification(subscription: GraphSubscription, account: Account, event: StoredEvent, change: EventChange): object {
  const resource = `Users/${account.id}/Events/${event.id}`;
  return {
    subscriptionId: subscription.id, subscriptionExpirationDateTime: subscription.expirationDateTime, changeType: change, resource,
    resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": resource, "@odata.etag": `W/"${Buffer.from(String(event.changeSeq)).toString("base64")}"`, id: event.id },
    clientState: subscription.clientState ?? null, tenantId: account.tenantId,
  };
}

export function registerGraphSubscriptions(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const expirationProblem = (value: string): string | undefined => {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return "Invalid expirationDateTime.";
    if (at <= state.now()) return "Subscription expiration can only be in the future.";
    if (at > state.now() + MAX_EXPIRATION_MINUTES * 60_000) return `Subscription expiration can only be ${MAX_EXPIRATION_MINUTES} minutes in the future.`;
    return undefined;
  };
  const owned = (accountId: string, id: string, reply: FastifyReply): GraphSubscription | undefined => {
    const subscription = state.subscriptions.get(id);
    if (subscription && !subscription.deleted && subscription.accountId === accountId) return subscription;
    sendGraphError(reply, 404, "ResourceNotFound", "The object was not found.");
    return undefined;
  };

  app.post("/v1.0/subscriptions", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const parsed = createSchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendGraphError(reply, 400, "InvalidRequest", `Invalid subscription: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`);
    const body = parsed.data;
    if (!EVENT_RESOURCES.test(body.resource)) return sendGraphError(reply, 400, "ExtensionError", `Resource '${body.resource}' is not supported by the emulator.`);
    const problem = expirationProblem(body.expirationDateTime);
    if (problem) return sendGraphError(reply, 400, "InvalidRequest", problem);
    for (const url of [body.notificationUrl, body.lifecycleNotificationUrl]) {
      if (url && !(await validateEndpoint(ctx, url))) {
        return sendGraphError(reply, 400, "InvalidRequest", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.");
      }
    }
    const token = state.accessTokens.get((request.headers.authorization ?? "").replace(/^Bearer\s+/i, ""));
    const subscription: GraphSubscription = {
      id: guid(), resource: body.resource, changeType: body.changeType, notificationUrl: body.notificationUrl, lifecycleNotificationUrl: body.lifecycleNotificationUrl,
      clientState: body.clientState, expirationDateTime: new Date(Date.parse(body.expirationDateTime)).toISOString().replace(/\.\d+Z$/, "Z"), accountId: account.id,
      clientId: token?.clientId ?? "", deleted: false,
    };
    state.subscriptions.set(subscription.id, subscription);
    return reply.code(201).send(subscriptionResource(ctx, subscription));
  });

  app.get<{ Params: { id: string } }>("/v1.0/subscriptions/:id", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const subscription = owned(account.id, request.params.id, reply);
    return subscription ? subscriptionResource(ctx, subscription) : reply;
  });

  app.patch<{ Params: { id: string } }>("/v1.0/subscriptions/:id", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const subscription = owned(account.id, request.params.id, reply);
    if (!subscription) return reply;
    const expiration = (request.body as { expirationDateTime?: string } | undefined)?.expirationDateTime;
    if (!expiration) return sendGraphError(reply, 400, "InvalidRequest", "expirationDateTime is required.");
    const problem = expirationProblem(expiration);
    if (problem) return sendGraphError(reply, 400, "InvalidRequest", problem);
    subscription.expirationDateTime = new Date(Date.parse(expiration)).toISOString().replace(/\.\d+Z$/, "Z");
    return subscriptionResource(ctx, subscription);
  });

  app.delete<{ Params: { id: string } }>("/v1.0/subscriptions/:id", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const subscription = owned(account.id, request.params.id, reply);
    if (!subscription) return reply;
    subscription.deleted = true;
    return reply.code(204).send();
  });

  state.onEventChange((account, event, change) => {
    for (const subscription of state.subscriptions.values()) {
      if (subscription.deleted || subscription.accountId !== account.id || Date.parse(subscription.expirationDateTime) <= state.now()) continue;
      if (!subscription.changeType.split(",").map((c) => c.trim()).includes(change)) continue;
      const body = { value: [changeNotification(subscription, account, event, change)] };
      ctx.webhooks.postInBackground(subscription.notificationUrl, { "content-type": "application/json; charset=utf-8" }, JSON.stringify(body), ctx.settings.webhookTimeoutMs);
    }
  });
}
