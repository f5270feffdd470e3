import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { PushInbox } from "../../calendars/index.js";
import type { Metrics } from "../../platform/index.js";
import { errorReply } from "../schemas/error.js";

const graphNotification = z
  .object({
    subscriptionId: z.string(),
    clientState: z.string().nullable().optional(),
    changeType: z.string().optional(),
    lifecycleEvent: z.string().optional(),
  })
  .loose();

const ack = z.object({ received: z.number().int(), queued: z.number().int() });

/**
 * Push endpoints. They answer at once and only queue work (a sync, channel maintenance);
 * the secret of each channel is checked on every notification.
 */
export const webhookRoutes: FastifyPluginAsyncZod<{ inbox: PushInbox; metrics: Pick<Metrics, "pushReceived"> }> = async (app, { inbox, metrics }) => {
  // Google posts its notifications with "Content-Type: application/json; utf-8" and an empty
  // body (the X-Goog-* headers are the message); Fastify's JSON parser answers such a request
  // 400, so Google would never reach the handler. In this plugin's scope only, an empty JSON
  // body is accepted as no body.
  const json = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, undefined);
    json(request, text, done);
  });

  app.post(
    "/webhooks/google",
    {
      schema: {
        tags: ["push"],
        summary: "Google Calendar push notifications (events.watch channels)",
        headers: z
          .object({
            "x-goog-channel-id": z.string().max(256).optional(),
            "x-goog-channel-token": z.string().max(512).optional(),
            "x-goog-resource-id": z.string().max(256).optional(),
            "x-goog-resource-state": z.string().max(64).optional(),
            "x-goog-message-number": z.string().max(32).optional(),
          })
          .loose(),
        response: { 200: ack, 401: errorReply },
      },
      config: { rateLimit: { max: 600, timeWindow: "1 minute" } },
    },
    async (request, reply) => {
      const verdict = await inbox.google({
        channelId: request.headers["x-goog-channel-id"],
        token: request.headers["x-goog-channel-token"],
        resourceId: request.headers["x-goog-resource-id"],
        resourceState: request.headers["x-goog-resource-state"],
        messageNumber: request.headers["x-goog-message-number"],
      });
      metrics.pushReceived("google", verdict);
      if (verdict === "rejected") return reply.status(401).send({ error: { code: "bad_channel_token", message: "The channel token does not match" } });
      // Unknown channels are answered too: an error would only make Google retry.
      return { received: 1, queued: verdict === "queued" ? 1 : 0 };
    },
  );

  app.post(
    "/webhooks/microsoft",
    {
      schema: {
        tags: ["push"],
        summary: "Microsoft Graph change and lifecycle notifications",
        description: "With ?validationToken=… (subscription validation) the token is echoed as text/plain.",
        querystring: z.object({ validationToken: z.string().max(2048).optional() }).loose(),
        body: z.union([z.object({ value: z.array(graphNotification).max(1000) }), z.string(), z.null()]).optional(),
        response: { 200: z.string().describe("the validation token, as text/plain"), 202: ack, 400: errorReply },
      },
      config: { rateLimit: { max: 600, timeWindow: "1 minute" } },
    },
    async (request, reply) => {
      if (request.query.validationToken !== undefined) {
        // Graph waits at most 10 s for this echo; nothing else happens before it.
        return reply.status(200).type("text/plain; charset=utf-8").send(request.query.validationToken);
      }
      const body = request.body;
      if (!body || typeof body === "string") return reply.status(400).send({ error: { code: "no_notifications", message: "Expected a JSON body with a value array" } });
      const verdicts = await inbox.microsoft(body.value.map((raw) => ({ subscriptionId: raw.subscriptionId, clientState: raw.clientState, changeType: raw.changeType, lifecycleEvent: raw.lifecycleEvent, raw })));
      for (const verdict of verdicts) metrics.pushReceived("microsoft", verdict);
      return reply.status(202).send({ received: verdicts.length, queued: verdicts.filter((v) => v === "queued").length });
    },
  );
};
