import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";

/** OpenAPI generated from the routes' zod schemas, so the document cannot drift from the code. */
export const openApiPlugin = fp(
  async (app: FastifyInstance, options: { publicUrl: string; version: string }) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Makegood API",
          description: "Late and missed meeting detection, alerts, and the recovery workflow.",
          version: options.version,
        },
        servers: [{ url: options.publicUrl }],
        tags: [
          { name: "auth", description: "Connect Google or Outlook (OAuth), sign out" },
          { name: "connections", description: "Connected calendars and their health, and the Zoom account" },
          { name: "meetings", description: "Synced meetings and their detection state" },
          { name: "alerts", description: "The alerts feed, its live stream, check-in links and signed answers (notification buttons)" },
          { name: "notifications", description: "Web Push on your devices: the server key, subscribe, test, unsubscribe" },
          { name: "cases", description: "Recovery cases after a missed meeting: call, proposal, gift, materials, buffer, thank-you" },
          { name: "drafts", description: "The drafts inbox: approve (with edits), reject, resend; sent exactly once" },
          { name: "settings", description: "Grace, settle window, buffer, working hours, channels" },
          { name: "outbox", description: "The outbox preview: emails kept on this machine instead of sent" },
          { name: "sandbox", description: "The labelled sample calendar, and its SIMULATED world outside (sandbox only)" },
          { name: "push", description: "Provider push notifications (Google channels, Graph subscriptions)" },
          { name: "operations", description: "Health, readiness and metrics" },
        ],
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
      hideUntagged: true,
    });
    await app.register(swaggerUi, { routePrefix: "/docs" });
  },
  { name: "openapi" },
);
