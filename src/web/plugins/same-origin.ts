import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { AppError } from "../../platform/index.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF protection for cookie-authenticated requests that change state: the request must
 * come from the dashboard's own origin, shown by the Origin header (or, failing that, the
 * Referer) that browsers send. Webhooks carry no session cookie and are checked by their
 * own secrets instead.
 */
export const sameOriginPlugin = fp(
  async (app: FastifyInstance, options: { publicUrl: string }) => {
    const expected = new URL(options.publicUrl).origin;
    // onRequest, after the session is read: refused before the body is even parsed.
    app.addHook("onRequest", async (request) => {
      if (SAFE_METHODS.has(request.method) || !request.session) return;
      const origin = request.headers.origin ?? originOf(request.headers.referer);
      if (origin !== expected) {
        throw new AppError(`Cross-site request refused: state-changing requests must come from ${expected} (send an Origin header matching PUBLIC_URL)`, {
          code: "cross_site_request",
          httpStatus: 403,
        });
      }
    });
  },
  { name: "same-origin", dependencies: ["session"] },
);

function originOf(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
