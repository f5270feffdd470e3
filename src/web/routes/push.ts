import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { PushSubscriptions } from "../../alerts/index.js";
import { browserLabel, pushDeviceView, pushSubscriptionInput } from "../../alerts/index.js";
import { errorReply } from "../schemas/error.js";

/** Web Push devices of the signed-in user: the server key, subscribe, list, test, unsubscribe. */
export const pushRoutes: FastifyPluginAsyncZod<{ push: PushSubscriptions }> = async (app, { push }) => {
  app.addHook("onRequest", app.requireUser);

  app.get(
    "/api/push/key",
    {
      schema: {
        tags: ["notifications"],
        summary: "The server's VAPID public key, for pushManager.subscribe({ applicationServerKey })",
        response: { 200: z.object({ publicKey: z.string().nullable().describe("base64url; null: Web Push is off on this server") }), 401: errorReply },
      },
    },
    async () => ({ publicKey: push.publicKey }),
  );

  app.get(
    "/api/push/subscriptions",
    { schema: { tags: ["notifications"], summary: "The devices that receive your alerts as notifications", response: { 200: z.object({ devices: z.array(pushDeviceView) }), 401: errorReply } } },
    async (request) => ({ devices: await push.list(request.session!.userId) }),
  );

  app.post(
    "/api/push/subscriptions",
    {
      schema: {
        tags: ["notifications"],
        summary: "Subscribe this device (the browser's PushSubscription as JSON)",
        description: "One device per endpoint: subscribing again updates its keys. The endpoint must be https and reach a public address; the keys must be the browser's P-256 key (65 bytes) and 16-byte auth secret, base64url.",
        body: pushSubscriptionInput,
        response: { 200: pushDeviceView, 400: errorReply, 401: errorReply, 403: errorReply, 409: errorReply },
      },
    },
    async (request) => push.subscribe(request.session!.userId, request.body, browserLabel(request.headers["user-agent"])),
  );

  app.delete(
    "/api/push/subscriptions",
    {
      schema: {
        tags: ["notifications"],
        summary: "Unsubscribe a device, by its endpoint (the browser unsubscribing) or its id (the device list)",
        body: z
          .object({ endpoint: z.string().min(1).max(2000).optional(), id: z.uuid().optional() })
          .strict()
          .refine((which) => (which.endpoint === undefined) !== (which.id === undefined), { error: "Name the device by its endpoint or its id (one of the two)." }),
        response: { 200: z.object({ removed: z.number().int() }), 400: errorReply, 401: errorReply, 403: errorReply },
      },
    },
    async (request) => ({ removed: await push.unsubscribe(request.session!.userId, request.body) }),
  );

  app.post(
    "/api/push/test",
    {
      schema: {
        tags: ["notifications"],
        summary: "Send a test notification to each of your devices now",
        description: "At most 10 a minute: each one reaches every device's push service.",
        body: z.object({}).strict().optional(),
        response: {
          200: z.object({ results: z.array(z.object({ id: z.uuid(), label: z.string(), outcome: z.enum(["sent", "removed", "failed"]), message: z.string() })) }),
          401: errorReply,
          403: errorReply,
          409: errorReply,
          429: errorReply,
        },
      },
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
    },
    async (request) => ({ results: await push.test(request.session!.userId) }),
  );
};
