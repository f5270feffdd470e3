import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AlertQueries, AlertView } from "../../alerts/index.js";
import type { AlertStream } from "../../alerts/index.js";
import { alertView } from "../../alerts/index.js";
import { errorReply } from "../schemas/error.js";

/** Keeps proxies from closing an idle event stream. */
const HEARTBEAT_MS = 25_000;

export const alertRoutes: FastifyPluginAsyncZod<{ alerts: AlertQueries; stream: AlertStream }> = async (app, { alerts, stream }) => {
  app.addHook("onRequest", app.requireUser);
  // Open streams end when the server stops, so a graceful shutdown does not wait on them.
  const open = new Set<() => void>();
  // preClose: the server waits for open connections before onClose would run.
  app.addHook("preClose", async () => {
    for (const end of open) end();
  });

  app.get(
    "/api/alerts",
    {
      schema: {
        tags: ["alerts"],
        summary: "The alerts feed, newest first",
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          includeWithdrawn: z
            .enum(["true", "false"])
            .default("false")
            .transform((v) => v === "true")
            .describe("true: also the alerts that no longer ask (answered, resolved, withdrawn; see each one's status)"),
        }).strict(),
        response: { 200: z.object({ alerts: z.array(alertView) }), 400: errorReply, 401: errorReply },
      },
    },
    async (request) => ({ alerts: (await alerts.list(request.session!.userId, request.query)) as Array<z.infer<typeof alertView>> }),
  );

  app.get(
    "/api/alerts/stream",
    {
      schema: {
        tags: ["alerts"],
        summary: "Alerts as they are raised or change, as server-sent events",
        description: "`event: alert` carries an Alert (new, or answered/resolved/withdrawn: compare `status`); `event: reset` (no data) means everything changed at once (the sandbox started over): load the page's data again.",
        response: { 200: z.string().describe("text/event-stream"), 401: errorReply },
      },
    },
    (request, reply) => {
      const userId = request.session!.userId;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" });
      raw.write(": connected\n\n");
      const send = (alert: AlertView) => raw.write(`id: ${alert.id}\nevent: alert\ndata: ${JSON.stringify(alert)}\n\n`);
      const unsubscribe = stream.subscribe(userId, (event) => {
        if (event.type === "reset") {
          raw.write("event: reset\ndata: {}\n\n");
          return;
        }
        void alerts.list(userId, { limit: 1, includeWithdrawn: true, ids: [event.alertId] }).then(
          (found) => found.forEach(send),
          (error: unknown) => request.log.warn({ err: error }, "could not load an announced alert"),
        );
      });
      const heartbeat = setInterval(() => raw.write(": heartbeat\n\n"), HEARTBEAT_MS);
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
      };
      const end = () => {
        close();
        raw.end();
      };
      open.add(end);
      request.raw.on("close", close);
    },
  );
};
