import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { basicCredentials, escapeHtml, stringParams, type EmulatorContext } from "../context.js";
import { pkceMatches } from "../pkce.js";
import { withQuery } from "../login.js";

/** The scopes a user-managed app asks for to see its user's meetings and who joined them (granular scopes). */
export const ZOOM_SCOPES = ["user:read:user", "meeting:read:list_meetings", "meeting:read:list_past_participants"];

function oauthError(reply: FastifyReply, status: number, error: string, reason: string) {
  return reply.code(status).send({ reason, error });
}

/**
 * Zoom's OAuth server under /zoom (ZOOM_AUTH_URL): GET /oauth/authorize (the consent screen is
 * stood in for by setNextLogin or ?emulator_login=), POST /oauth/token (authorization_code with
 * PKCE, refresh_token with rotation; client credentials in HTTP Basic), POST /oauth/revoke?token=.
 */
export function registerZoomOAuth(app: FastifyInstance, ctx: EmulatorContext): void {
  const zoom = ctx.zoom;

  app.get("/zoom/oauth/authorize", async (request, reply) => {
    const params = stringParams(request.query);
    if (params["client_id"] !== zoom.app.clientId) return reply.code(400).type("text/html").send("<p>Invalid client_id.</p>");
    if (params["response_type"] !== "code" || !params["redirect_uri"]) return reply.code(400).type("text/html").send("<p>Invalid request: response_type=code and redirect_uri are required.</p>");
    const redirectUri = params["redirect_uri"];
    const choice = zoom.nextLogin ?? params["emulator_login"];
    zoom.nextLogin = undefined;
    if (choice === "deny") return reply.redirect(withQuery(redirectUri, { error: "access_denied", state: params["state"] }), 302);
    const user = choice ? zoom.userByEmail(choice) : undefined;
    if (!user) {
      const users = [...zoom.users.values()].map((u) => `<li><a href="${escapeHtml(withQuery(`https://localhost${request.url}`, { emulator_login: u.email }).replace("https://localhost", ""))}">${escapeHtml(u.email)}</a></li>`).join("");
      return reply.type("text/html").send(`<!doctype html><title>Emulated Zoom sign-in</title><h1>Emulated Zoom sign-in</h1><ul>${users || "<li>No Zoom users yet.</li>"}</ul>`);
    }
    const code = randomBytes(18).toString("base64url");
    zoom.codes.set(code, {
      code,
      userId: user.id,
      redirectUri,
      codeChallenge: params["code_challenge"],
      codeChallengeMethod: params["code_challenge_method"],
      expiresAt: zoom.now() + ctx.settings.authorizationCodeLifetimeSeconds * 1000,
      redeemed: false,
    });
    return reply.redirect(withQuery(redirectUri, { code, state: params["state"] }), 302);
  });

  app.post("/zoom/oauth/token", async (request, reply) => {
    const client = basicCredentials(request);
    if (!client || client.clientId !== zoom.app.clientId || client.clientSecret !== zoom.app.clientSecret) return oauthError(reply, 401, "invalid_client", "Invalid client_id or client_secret");
    const params = stringParams(request.body);
    if (params["grant_type"] === "authorization_code") {
      const code = zoom.codes.get(params["code"] ?? "");
      if (!code || code.redeemed || code.expiresAt <= zoom.now()) return oauthError(reply, 400, "invalid_grant", "Invalid authorization code");
      code.redeemed = true;
      if (code.redirectUri !== params["redirect_uri"]) return oauthError(reply, 400, "invalid_grant", "Redirect URI mismatch.");
      if (code.codeChallenge && !pkceMatches(code.codeChallenge, code.codeChallengeMethod, params["code_verifier"] ?? "")) return oauthError(reply, 400, "invalid_grant", "Invalid code_verifier");
      return tokenAnswer(zoom.issueGrant(code.userId, ZOOM_SCOPES), ctx);
    }
    if (params["grant_type"] === "refresh_token") {
      const grant = zoom.grants.find((g) => g.refreshToken === params["refresh_token"]);
      if (!grant || grant.revoked || grant.refreshUsed) return oauthError(reply, 400, "invalid_grant", "Invalid Token!");
      // Zoom rotates: the refresh token used here is dead from now on.
      grant.refreshUsed = true;
      return tokenAnswer(zoom.issueGrant(grant.userId, grant.scopes), ctx);
    }
    return oauthError(reply, 400, "unsupported_grant_type", "Unsupported grant type");
  });

  app.post("/zoom/oauth/revoke", async (request, reply) => {
    const client = basicCredentials(request);
    if (!client || client.clientId !== zoom.app.clientId || client.clientSecret !== zoom.app.clientSecret) return oauthError(reply, 401, "invalid_client", "Invalid client_id or client_secret");
    const token = stringParams(request.query)["token"] ?? stringParams(request.body)["token"];
    if (!token || !zoom.revoke(token)) return oauthError(reply, 400, "invalid_request", "Invalid Token!");
    return { status: "success" };
  });
}

function tokenAnswer(grant: { accessToken: string; refreshToken: string; accessExpiresAt: number; scopes: string[] }, ctx: EmulatorContext) {
  return {
    access_token: grant.accessToken,
    token_type: "bearer",
    refresh_token: grant.refreshToken,
    expires_in: Math.round((grant.accessExpiresAt - ctx.zoom.now()) / 1000),
    scope: grant.scopes.join(" "),
    api_url: `${ctx.baseUrl()}/zoom`,
  };
}
