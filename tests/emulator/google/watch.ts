import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EmulatorContext } from "../context.js";
import { opaqueId } from "../ids.js";
import type { WatchChannel } from "../state.js";
import { googleCaller } from "./auth.js";
import { googleNotFound, sendGoogleError } from "./errors.js";

const watchRequestSchema = z.object({
  id: z.string().min(1),
  type: z.string(),
  address: z.string().url(),
  token: z.string().optional(),
  params: z.object({ ttl: z.string().optional() }).optional(),
});

const DEFAULT_TTL_SECONDS = 7 * 86_400;

export type ResourceState = "sync" | "exists" | "not_exists";

/**
 * Push notifications ("Push notifications" guide): an empty POST to the channel address with the
 * X-Goog-* headers; the first message of a channel is "sync", later ones "exists".
 */
export function sendChannelMessage(ctx: EmulatorContext, channel: WatchChannel, resourceState: ResourceState, messageNumber?: number): void {
  const number = messageNumber ?? (channel.messageNumber += 1);
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=UTF-8",
    "x-goog-channel-id": channel.id,
    "x-goog-channel-expiration": new Date(channel.expiration).toUTCString(),
    "x-goog-resource-id": channel.resourceId,
    "x-goog-resource-uri": channel.resourceUri,
    "x-goog-resource-state": resourceState,
    "x-goog-message-number": String(number),
    ...(channel.token !== undefined ? { "x-goog-channel-token": channel.token } : {}),
  };
  ctx.webhooks.postInBackground(channel.address, headers, "", ctx.settings.webhookTimeoutMs);
}

export function registerGoogleWatch(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;

  app.post<{ Params: { calendarId: string } }>("/calendar/v3/calendars/:calendarId/events/watch", async (request, reply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    const calendarId = decodeURIComponent(request.params.calendarId);
    if (calendarId !== "primary" && calendarId.toLowerCase() !== account.email) return googleNotFound(reply);
    const parsed = watchRequestSchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendGoogleError(reply, 400, `Invalid channel: ${parsed.error.issues[0]?.message ?? ""}`, { reason: "invalid" });
    const body = parsed.data;
    if (body.type !== "web_hook" && body.type !== "webhook") return sendGoogleError(reply, 400, `Unsupported channel type: ${body.type}`, { reason: "invalid", location: "type" });
    if ([...state.channels.values()].some((c) => c.id === body.id && !c.stopped)) {
      return sendGoogleError(reply, 400, `Channel id ${body.id} not unique`, { domain: "push", reason: "channelIdNotUnique" });
    }
    const ttlSeconds = body.params?.ttl ? Number(body.params.ttl) : DEFAULT_TTL_SECONDS;
    const channel: WatchChannel = {
      id: body.id,
      resourceId: opaqueId("", 20),
      resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?alt=json`,
      token: body.token,
      address: body.address,
      expiration: state.now() + ttlSeconds * 1000,
      accountId: account.id,
      messageNumber: 0,
      stopped: false,
    };
    state.channels.set(`${channel.id}|${channel.resourceId}`, channel);
    sendChannelMessage(ctx, channel, "sync");
    return { kind: "api#channel", id: channel.id, resourceId: channel.resourceId, resourceUri: channel.resourceUri, ...(channel.token !== undefined ? { token: channel.token } : {}), expiration: String(channel.expiration) };
  });

  app.post("/calendar/v3/channels/stop", async (request, reply) => {
    if (!googleCaller(ctx, request, reply)) return reply;
    const body = (request.body ?? {}) as { id?: string; resourceId?: string };
    const channel = state.channels.get(`${body.id ?? ""}|${body.resourceId ?? ""}`);
    if (!channel || channel.stopped) return sendGoogleError(reply, 404, `Channel '${body.id ?? ""}' not found for project '0'`, { reason: "notFound" });
    channel.stopped = true;
    return reply.code(204).send();
  });

  state.onEventChange((account) => {
    for (const channel of state.channels.values()) {
      if (channel.accountId === account.id && !channel.stopped && channel.expiration > state.now()) sendChannelMessage(ctx, channel, "exists");
    }
  });
}
