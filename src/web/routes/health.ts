import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ReadinessProbe } from "../../platform/index.js";

const alive = z.object({ status: z.literal("ok") });
const readiness = z.object({
  status: z.enum(["ready", "not_ready"]),
  checks: z.object({
    database: z.enum(["ok", "unreachable"]),
    migrations: z.enum(["ok", "pending", "unknown"]),
  }),
  pendingMigrations: z.array(z.string()).optional(),
});

export const healthRoutes: FastifyPluginAsyncZod<{ readiness: ReadinessProbe }> = async (app, { readiness: probe }) => {
  app.get(
    "/healthz",
    { config: { sessionless: true }, schema: { tags: ["operations"], summary: "The process is alive", response: { 200: alive } } },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/readyz",
    {
      // A probe must answer for the database, not fail on the cookie a signed-in browser sends along.
      config: { sessionless: true },
      schema: {
        tags: ["operations"],
        summary: "The database is reachable and every migration is applied",
        response: { 200: readiness, 503: readiness },
      },
    },
    async (_request, reply) => {
      const result = await probe.check();
      return reply.status(result.status === "ready" ? 200 : 503).send(result);
    },
  );
};
