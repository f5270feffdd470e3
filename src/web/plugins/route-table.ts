import type { FastifyInstance, RouteOptions } from "fastify";
import fp from "fastify-plugin";

export interface RouteEntry {
  method: string;
  url: string;
  /** whether the route declares a request body schema */
  hasBody: boolean;
  /** the route's own rate limit, when it has one */
  rateLimit: { max: number; timeWindow: string | number } | undefined;
}

declare module "fastify" {
  interface FastifyInstance {
    /** every route as registered (HEAD twins excluded), for security tests that must cover each one */
    readonly routeTable: readonly RouteEntry[];
  }
}

/** Records each route as it is added; register before any route. */
export const routeTablePlugin = fp(
  async (app: FastifyInstance) => {
    const routes: RouteEntry[] = [];
    app.decorate("routeTable", routes);
    app.addHook("onRoute", (route: RouteOptions) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === "HEAD") continue; // Fastify's automatic twin of each GET
        const limit = (route.config as { rateLimit?: { max?: unknown; timeWindow?: unknown } } | undefined)?.rateLimit;
        const rateLimit = typeof limit?.max === "number" && (typeof limit.timeWindow === "string" || typeof limit.timeWindow === "number") ? { max: limit.max, timeWindow: limit.timeWindow } : undefined;
        routes.push({ method, url: route.url, hasBody: Boolean(route.schema?.body), rateLimit });
      }
    });
  },
  { name: "route-table" },
);
