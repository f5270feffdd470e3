import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ConnectError, label, type ConnectFlow, type OAuthKind } from "../../calendars/index.js";
import { isZoneName } from "../../platform/index.js";
import { escapeHtml, page } from "../views/html.js";

const NONCE_COOKIE = "mg_oauth";
const KINDS: readonly OAuthKind[] = ["google", "microsoft"];

const startQuery = z.object({
  checkSentMail: z.enum(["0", "1"]).optional().describe("1: also grant read access to Sent mail headers, so a send whose outcome was lost is settled without asking (Gmail: gmail.metadata)"),
}).loose();

const callbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
  // Providers add more (scope, session_state, iss …); they carry nothing we act on.
}).loose();

export interface AuthRouteOptions {
  connectFlow: ConnectFlow;
  secureCookies: boolean;
  /** called after a connection is stored: queue its first sync */
  onConnected(connectionId: string): Promise<void>;
}

/**
 * "Connect Google" / "Connect Outlook": /auth/{provider} redirects to the provider with
 * state + PKCE; /auth/{provider}/callback completes, signs in and redirects to the
 * dashboard, or shows a page that says what happened and offers to try again.
 */
/** Set by the start page (signed-out.js): the browser's IANA zone, a hint only (validated before use). */
const BROWSER_ZONE_COOKIE = "mg_browser_zone";

export const authRoutes: FastifyPluginAsyncZod<AuthRouteOptions> = async (app, options) => {
  for (const kind of KINDS) {
    app.get(
      `/auth/${kind}`,
      {
        schema: {
          tags: ["auth"],
          summary: `Connect a ${label(kind)} calendar (signs in or creates the user)`,
          querystring: startQuery,
          response: { 302: z.null().describe("Redirect to the provider"), 404: z.string().describe("An HTML page: this provider is not configured") },
        },
        config: { rateLimit: { max: 30, timeWindow: "1 minute" } },
      },
      async (request, reply) => {
        if (!options.connectFlow.isConfigured(kind)) {
          return reply.status(404).type("text/html").send(problemPage(kind, new ConnectError("provider_not_configured", notConfigured(kind))));
        }
        const { url, browserNonce } = await options.connectFlow.begin(kind, request.session?.userId, { checkSentMail: request.query.checkSentMail === "1" });
        reply.setCookie(NONCE_COOKIE, browserNonce, {
          path: `/auth/${kind}/callback`,
          httpOnly: true,
          // Lax: the provider's redirect back is a top-level GET navigation, which carries Lax cookies.
          sameSite: "lax",
          secure: options.secureCookies,
          signed: true,
          maxAge: 600,
        });
        return reply.redirect(url, 302);
      },
    );

    app.get(
      `/auth/${kind}/callback`,
      {
        schema: {
          tags: ["auth"],
          summary: `Where ${label(kind)} sends the user back`,
          querystring: callbackQuery,
          response: {
            302: z.null().describe("Signed in: redirect to the dashboard"),
            400: z.string().describe("An HTML page saying what went wrong and offering to try again"),
            404: z.string().describe("An HTML page: this provider is not configured"),
          },
        },
        config: { rateLimit: { max: 30, timeWindow: "1 minute" } },
      },
      async (request, reply) => {
        const raw = request.cookies[NONCE_COOKIE];
        const nonce = raw ? request.unsignCookie(raw) : undefined;
        reply.clearCookie(NONCE_COOKIE, { path: `/auth/${kind}/callback` });
        try {
          // The start page leaves the browser's zone in a cookie: a calendar with no zone of its own takes it.
          const result = await options.connectFlow.complete(kind, request.query, nonce?.valid ? (nonce.value ?? undefined) : undefined, browserZone(request.cookies[BROWSER_ZONE_COOKIE]));
          if (request.session?.userId !== result.userId) await app.startSession(reply, result.userId);
          request.log.info({ provider: kind, connectionId: result.connectionId, newUser: result.newUser }, "calendar connected");
          await options.onConnected(result.connectionId);
          return reply.redirect("/?connected=" + kind, 302);
        } catch (error) {
          if (!(error instanceof ConnectError)) throw error;
          request.log.info({ provider: kind, code: error.code }, "connect attempt ended without a connection");
          return reply.status(error.httpStatus === 404 ? 404 : 400).type("text/html").send(problemPage(kind, error));
        }
      },
    );
  }

  app.post(
    "/auth/sign-out",
    { schema: { tags: ["auth"], summary: "Sign out this browser", response: { 204: z.null() } }, config: { rateLimit: { max: 30, timeWindow: "1 minute" } } },
    async (request, reply) => {
      await app.endSession(request, reply);
      return reply.status(204).send(null);
    },
  );
};

function notConfigured(kind: OAuthKind): string {
  const prefix = kind === "google" ? "GOOGLE" : "MICROSOFT";
  return `${label(kind)} is not configured on this server: set ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET.`;
}

function problemPage(kind: OAuthKind, error: ConnectError): string {
  return page(
    `Could not connect ${label(kind)}`,
    `<main>
<h1>Your ${escapeHtml(label(kind))} calendar was not connected</h1>
<p class="problem" role="alert">${escapeHtml(error.message)}</p>
<p><a class="button" href="/auth/${kind}">Try again</a> <a href="/">Back to Makegood</a></p>
</main>`,
  );
}

/** The browser's zone from its cookie, when it is a zone name settings would accept; anything else is no hint. */
function browserZone(cookie: string | undefined): string | undefined {
  return cookie !== undefined && isZoneName(cookie) ? cookie : undefined;
}
