import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { errorBody } from "../schemas/error.js";

/** The names every machine gives itself: a request to one of them reached this very server. */
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** Providers' pushes are answered wherever they arrive, whatever headers they carry. */
const MACHINE_PATHS = /^\/(webhooks\/|healthz$|readyz$|metrics$)/;

/**
 * A browser opening a page: only those are moved. Scripts, monitors, providers' pushes and
 * checks that address the server by IP (curl http://127.0.0.1:3000/docs/json) are answered
 * where they asked, as before.
 */
function isPageNavigation(headers: Record<string, string | string[] | undefined>): boolean {
  const mode = headers["sec-fetch-mode"];
  if (mode !== undefined) return mode === "navigate";
  const accept = headers["accept"];
  return typeof accept === "string" && accept.includes("text/html");
}

/** A state-changing request sent by a page that was itself opened at the other name. */
function sentFromOtherName(headers: Record<string, string | string[] | undefined>, publicUrl: string): boolean {
  const from = typeof headers["origin"] === "string" ? headers["origin"] : typeof headers["referer"] === "string" ? headers["referer"] : undefined;
  if (!from) return false;
  try {
    return otherNameOfThisServer(new URL(from).host, publicUrl);
  } catch {
    return false;
  }
}

/**
 * Every address works: a browser that opened http://127.0.0.1:3000 while PUBLIC_URL is
 * http://localhost:3000 (or the other way round) is sent to PUBLIC_URL before anything else
 * runs. Otherwise its session cookie and Origin belong to another site and every action is
 * refused as cross-site.
 *
 * Only loopback names on the same port count as "another name of this server": behind a
 * reverse proxy the Host can be the upstream's (localhost:3000) while PUBLIC_URL is the
 * public name, and redirecting those would loop.
 */
export function otherNameOfThisServer(host: string | undefined, publicUrl: string): boolean {
  if (!host) return false;
  const canonical = new URL(publicUrl);
  if (!LOOPBACK_NAMES.has(canonical.hostname)) return false;
  let requested: URL;
  try {
    requested = new URL(`${canonical.protocol}//${host}`);
  } catch {
    return false;
  }
  return LOOPBACK_NAMES.has(requested.hostname) && requested.hostname !== canonical.hostname && requested.port === canonical.port;
}

export const canonicalHostPlugin = fp(
  async (app: FastifyInstance, options: { publicUrl: string }) => {
    const origin = new URL(options.publicUrl).origin;
    app.addHook("onRequest", async (request, reply) => {
      if (!otherNameOfThisServer(request.headers.host, options.publicUrl)) return;
      if (MACHINE_PATHS.test(request.url.split("?")[0] ?? "/")) return;
      const target = `${origin}${request.url.startsWith("/") ? request.url : `/${request.url}`}`;
      if (request.method === "GET" || request.method === "HEAD") {
        if (!isPageNavigation(request.headers)) return;
        // 308 keeps the method; no-store because the target depends on PUBLIC_URL, which may change,
        // and a cached permanent redirect would then send the browser in a circle.
        return reply.header("cache-control", "no-store").redirect(target, 308);
      }
      // A page opened at the other name would lose its session on the way; say where to go instead.
      if (!sentFromOtherName(request.headers, options.publicUrl)) return;
      return reply
        .status(421)
        .header("cache-control", "no-store")
        .type("application/json; charset=utf-8")
        .serializer((payload: unknown) => JSON.stringify(payload))
        .send(errorBody("wrong_address", `Makegood is at ${origin}: open it there and try again (this page was opened at http://${request.headers.host}).`));
    });
  },
  { name: "canonical-host" },
);
