import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ConnectError, type ZoomAccounts, type ZoomInbox } from "../../calendars/index.js";
import type { Metrics } from "../../platform/index.js";
import { errorReply } from "../schemas/error.js";
import { escapeHtml, page } from "../views/html.js";

const NONCE_COOKIE = "mg_zoom_oauth";

const callbackQuery = z.object({ code: z.string().max(4096).optional(), state: z.string().max(512).optional(), error: z.string().max(200).optional() }).loose();

/**
 * "Connect Zoom" beside the calendars: /auth/zoom (signed in only: Zoom adds a source to the
 * user's meetings, it is not a way to sign in) redirects to Zoom with state + PKCE; the callback
 * stores the connection and goes back to the dashboard. DELETE /api/zoom disconnects (the grant
 * is revoked at Zoom).
 */
export const zoomRoutes: FastifyPluginAsyncZod<{ zoom: ZoomAccounts; secureCookies: boolean }> = async (app, { zoom, secureCookies }) => {
  app.get(
    "/auth/zoom",
    {
      schema: {
        tags: ["auth"],
        summary: "Connect Zoom (signed in): see the user join the Zoom meetings they host",
        response: { 302: z.null().describe("Redirect to Zoom"), 401: z.string().describe("An HTML page: sign in first"), 404: z.string().describe("An HTML page: Zoom is not configured") },
      },
      config: { rateLimit: { max: 30, timeWindow: "1 minute" } },
    },
    async (request, reply) => {
      if (!zoom.configured) return reply.status(404).type("text/html").send(problemPage("Zoom is not configured on this server: set ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET and ZOOM_WEBHOOK_SECRET_TOKEN."));
      const userId = request.session?.userId;
      if (!userId) return reply.status(401).type("text/html").send(problemPage("Sign in with your calendar first, then connect Zoom from the dashboard."));
      const { url, browserNonce } = await zoom.begin(userId);
      reply.setCookie(NONCE_COOKIE, browserNonce, { path: "/auth/zoom/callback", httpOnly: true, sameSite: "lax", secure: secureCookies, signed: true, maxAge: 600 });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    "/auth/zoom/callback",
    {
      schema: {
        tags: ["auth"],
        summary: "Where Zoom sends the user back",
        querystring: callbackQuery,
        response: {
          302: z.null().describe("Connected: redirect to the dashboard"),
          400: z.string().describe("An HTML page saying what went wrong"),
          401: z.string().describe("An HTML page: sign in first"),
          404: z.string().describe("An HTML page: Zoom is not configured"),
        },
      },
      config: { rateLimit: { max: 30, timeWindow: "1 minute" } },
    },
    async (request, reply) => {
      const raw = request.cookies[NONCE_COOKIE];
      const nonce = raw ? request.unsignCookie(raw) : undefined;
      reply.clearCookie(NONCE_COOKIE, { path: "/auth/zoom/callback" });
      const userId = request.session?.userId;
      if (!userId) return reply.status(401).type("text/html").send(problemPage("Sign in with your calendar first, then connect Zoom from the dashboard."));
      try {
        await zoom.complete(userId, request.query, nonce?.valid ? (nonce.value ?? undefined) : undefined);
        return reply.redirect("/?connected=zoom", 302);
      } catch (error) {
        if (!(error instanceof ConnectError)) throw error;
        request.log.info({ provider: "zoom", code: error.code }, "Zoom connect attempt ended without a connection");
        return reply.status(error.httpStatus === 404 ? 404 : 400).type("text/html").send(problemPage(error.message));
      }
    },
  );

  app.delete(
    "/api/zoom",
    {
      onRequest: app.requireUser,
      schema: {
        tags: ["connections"],
        summary: "Disconnect Zoom: revoke the grant at Zoom; the user's Zoom meetings become check-in only",
        response: { 204: z.null(), 401: errorReply, 403: errorReply, 404: errorReply },
      },
    },
    async (request, reply) => {
      await zoom.disconnect(request.session!.userId);
      return reply.status(204).send(null);
    },
  );
};

/**
 * POST /webhooks/zoom: in a scope of its own, because the signature covers the raw bytes: here
 * a JSON body is kept as the text that arrived, and ZoomInbox checks it before parsing.
 */
export const zoomWebhookRoutes: FastifyPluginAsyncZod<{ inbox: ZoomInbox | undefined; metrics: Pick<Metrics, "pushReceived"> }> = async (app, { inbox, metrics }) => {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => done(null, typeof body === "string" ? body : body.toString("utf8")));

  app.post(
    "/webhooks/zoom",
    {
      schema: {
        tags: ["push"],
        summary: "Zoom webhooks: endpoint.url_validation, meeting.started/ended, meeting.participant_joined/left",
        description: "Signed with the app's secret token (x-zm-signature over v0:{x-zm-request-timestamp}:{body}); unsigned, stale (over five minutes) or wrongly signed requests answer 401 and store nothing.",
        headers: z.object({ "x-zm-signature": z.string().max(256).optional(), "x-zm-request-timestamp": z.string().max(32).optional() }).loose(),
        body: z.string().max(256 * 1024).optional().describe("the Zoom event, JSON"),
        response: {
          200: z.union([z.object({ plainToken: z.string(), encryptedToken: z.string() }), z.object({ received: z.number().int(), stored: z.number().int() })]),
          400: errorReply,
          401: errorReply,
          404: errorReply,
        },
      },
      config: { rateLimit: { max: 600, timeWindow: "1 minute" } },
    },
    async (request, reply) => {
      if (!inbox) return reply.status(404).send({ error: { code: "zoom_not_configured", message: "Zoom is not configured on this server" } });
      const answer = await inbox.receive(request.body ?? "", { signature: request.headers["x-zm-signature"], timestamp: request.headers["x-zm-request-timestamp"] });
      metrics.pushReceived("zoom", answer.verdict);
      return reply.status(answer.status).send(answer.body);
    },
  );
};

function problemPage(message: string): string {
  return page(
    "Could not connect Zoom",
    `<main>
<h1>Zoom was not connected</h1>
<p class="problem" role="alert">${escapeHtml(message)}</p>
<p><a class="button" href="/auth/zoom">Try again</a> <a href="/">Back to Makegood</a></p>
</main>`,
  );
}
