import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../platform/index.js";
import type { ServiceMetrics } from "../../platform/index.js";
import { errorReply } from "../schemas/error.js";

/**
 * Prometheus scrape endpoint. Open by default (counts and durations only: no user data, like
 * /healthz); with METRICS_TOKEN set it needs `Authorization: Bearer <token>`, for services
 * whose port is reachable from outside the scraper's network.
 */
export const metricsRoutes: FastifyPluginAsyncZod<{ metrics: ServiceMetrics; token: string | undefined }> = async (app, { metrics, token }) => {
  const expected = token ? digest(token) : undefined;
  app.get(
    "/metrics",
    {
      schema: {
        tags: ["operations"],
        summary: "Metrics in the Prometheus text format",
        description: "With METRICS_TOKEN set, send `Authorization: Bearer <METRICS_TOKEN>`.",
        response: { 200: z.string().describe("text/plain; version=0.0.4"), 401: errorReply },
      },
    },
    async (request, reply) => {
      if (expected) {
        const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? "")?.[1];
        if (!given || !timingSafeEqual(digest(given), expected)) {
          reply.header("www-authenticate", 'Bearer realm="metrics"');
          throw new AppError("Send Authorization: Bearer <METRICS_TOKEN> to read /metrics", { code: "unauthenticated", httpStatus: 401 });
        }
      }
      return reply.type(metrics.contentType).send(await metrics.scrape());
    },
  );
};

/** Equal-length inputs for timingSafeEqual whatever the token's length. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
