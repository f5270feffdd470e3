import type { FastifyInstance, FastifyReply } from "fastify";
import { basicCredentials, escapeHtml, stringParams, type EmulatorContext } from "../context.js";
import { opaqueId } from "../ids.js";
import { resolveLogin, withQuery } from "../login.js";
import { pkceMatches } from "../pkce.js";
import type { Account, OAuthClient } from "../state.js";

const GOOGLE_ISSUER = "https://accounts.google.com";
/** Google reports the short scope aliases by their full names in the token response. */
const SCOPE_ALIASES: Record<string, string> = {
  email: "https://www.googleapis.com/auth/userinfo.email",
  profile: "https://www.googleapis.com/auth/userinfo.profile",
};
const REFRESH_TOKEN_LIFETIME_SECONDS = 10 * 365 * 86_400;

function normaliseScopes(scope: string): string[] {
  return [...new Set(scope.split(/\s+/).filter(Boolean).map((s) => SCOPE_ALIASES[s] ?? s))];
}

/** OAuth token endpoint errors are flat: {"error","error_description"} (RFC 6749 §5.2, as Google sends them). */
function tokenError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header("content-type", "application/json; charset=utf-8").send({ error, error_description: description });
}

function errorPage(reply: FastifyReply, status: number, error: string, detail: string): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(`<!doctype html><title>Error ${status}: ${error}</title><h1>Access blocked: Error ${status}: ${escapeHtml(error)}</h1><p>${escapeHtml(detail)}</p>`);
}

function idToken(ctx: EmulatorContext, account: Account, clientId: string, nonce: string | undefined): string {
  const iat = Math.floor(ctx.state.now() / 1000);
  const [givenName, ...rest] = account.name.split(" ");
  return ctx.signer.sign({
    iss: GOOGLE_ISSUER, azp: clientId, aud: clientId, sub: account.id, email: account.email, email_verified: true,
    name: account.name, given_name: givenName, family_name: rest.join(" ") || undefined, iat, exp: iat + 3600, ...(nonce ? { nonce } : {}),
  });
}

export function registerGoogleOAuth(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  /**
   * Google issues a refresh token for access_type=offline only on the first consent of a user to a
   * client, or again when prompt=consent forces the consent screen; we remember who consented.
   */
  const consentedRefresh = new Set<string>();

  const clientFor = (clientId: string | undefined): OAuthClient | undefined => {
    const client = clientId ? state.clients.get(clientId) : undefined;
    return client?.provider === "google" ? client : undefined;
  };

  app.get("/o/oauth2/v2/auth", async (request, reply) => {
    const params = stringParams(request.query);
    const client = clientFor(params["client_id"]);
    // Google shows an error page (no redirect) for an unknown client or an unregistered redirect URI.
    if (!client) return errorPage(reply, 401, "invalid_client", "The OAuth client was not found.");
    const redirectUri = params["redirect_uri"] ?? "";
    if (!redirectUri || (client.redirectUris.length > 0 && !client.redirectUris.includes(redirectUri))) {
      return errorPage(reply, 400, "redirect_uri_mismatch", `The redirect URI in the request, ${redirectUri}, does not match the ones authorized for the OAuth client.`);
    }
    const stateParam = params["state"];
    if (params["response_type"] !== "code") return reply.redirect(withQuery(redirectUri, { error: "unsupported_response_type", state: stateParam }));
    const method = params["code_challenge_method"];
    if (params["code_challenge"] && method !== undefined && method !== "S256" && method !== "plain") {
      return reply.redirect(withQuery(redirectUri, { error: "invalid_request", error_description: "Invalid code_challenge_method", state: stateParam }));
    }
    const login = resolveLogin(ctx, "google", request.url, params);
    if (login.kind === "page") return reply.type("text/html; charset=utf-8").send(login.html);
    if (login.kind === "deny") return reply.redirect(withQuery(redirectUri, { error: "access_denied", state: stateParam }));
    const scopes = normaliseScopes(params["scope"] ?? "");
    if (scopes.length === 0) return reply.redirect(withQuery(redirectUri, { error: "invalid_request", error_description: "Missing required parameter: scope", state: stateParam }));
    const code = opaqueId("4/0Aemu", 32);
    state.codes.set(code, {
      code, provider: "google", clientId: client.clientId, redirectUri, accountId: login.account.id, scopes,
      codeChallenge: params["code_challenge"], codeChallengeMethod: params["code_challenge"] ? (method ?? "plain") : undefined,
      nonce: params["nonce"], offline: params["access_type"] === "offline",
      expiresAt: state.now() + ctx.settings.authorizationCodeLifetimeSeconds * 1000, redeemed: false,
    });
    const forceConsent = (params["prompt"] ?? "").split(" ").includes("consent");
    if (forceConsent) consentedRefresh.delete(`${client.clientId}|${login.account.id}`);
    return reply.redirect(withQuery(redirectUri, { state: stateParam, code, scope: scopes.join(" "), authuser: "0", prompt: forceConsent ? "consent" : "none" }));
  });

  app.post("/token", async (request, reply) => {
    const params = stringParams(request.body);
    const basic = basicCredentials(request);
    const clientId = basic?.clientId ?? params["client_id"];
    const clientSecret = basic?.clientSecret ?? params["client_secret"];
    const client = clientFor(clientId);
    if (!client) return tokenError(reply, 401, "invalid_client", "The OAuth client was not found.");
    if (client.clientSecret !== clientSecret) return tokenError(reply, 401, "invalid_client", "Unauthorized");
    const grantType = params["grant_type"];

    if (grantType === "authorization_code") {
      const grant = params["code"] ? state.codes.get(params["code"]) : undefined;
      if (!params["code"]) return tokenError(reply, 400, "invalid_request", "Missing required parameter: code");
      if (!grant || grant.provider !== "google") return tokenError(reply, 400, "invalid_grant", "Malformed auth code.");
      if (grant.redeemed || grant.expiresAt <= state.now() || grant.clientId !== client.clientId) return tokenError(reply, 400, "invalid_grant", "Bad Request");
      if (params["redirect_uri"] !== grant.redirectUri) return tokenError(reply, 400, "redirect_uri_mismatch", "Bad Request");
      if (grant.codeChallenge) {
        const verifier = params["code_verifier"];
        if (!verifier) return tokenError(reply, 400, "invalid_grant", "Missing code verifier.");
        if (!pkceMatches(grant.codeChallenge, grant.codeChallengeMethod, verifier)) return tokenError(reply, 400, "invalid_grant", "Invalid code verifier.");
      } else if (params["code_verifier"]) {
        return tokenError(reply, 400, "invalid_grant", "code_verifier or verifier is not needed.");
      }
      grant.redeemed = true; // codes are single-use
      const account = state.accounts.get(grant.accountId);
      if (!account) return tokenError(reply, 400, "invalid_grant", "Bad Request");
      const access = state.issueAccessToken({ provider: "google", clientId: client.clientId, accountId: account.id, scopes: grant.scopes }, ctx.settings.accessTokenLifetimeSeconds);
      const consentKey = `${client.clientId}|${account.id}`;
      const refresh = grant.offline && !consentedRefresh.has(consentKey)
        ? state.issueRefreshToken({ provider: "google", clientId: client.clientId, accountId: account.id, scopes: grant.scopes }, REFRESH_TOKEN_LIFETIME_SECONDS)
        : undefined;
      if (refresh) consentedRefresh.add(consentKey);
      return reply.header("cache-control", "no-cache, no-store, max-age=0, must-revalidate").send({
        access_token: access.token,
        expires_in: ctx.settings.accessTokenLifetimeSeconds,
        ...(refresh ? { refresh_token: refresh.token, refresh_token_expires_in: REFRESH_TOKEN_LIFETIME_SECONDS } : {}),
        scope: grant.scopes.join(" "),
        token_type: "Bearer",
        ...(grant.scopes.includes("openid") ? { id_token: idToken(ctx, account, client.clientId, grant.nonce) } : {}),
      });
    }

    if (grantType === "refresh_token") {
      const refresh = params["refresh_token"] ? state.refreshTokens.get(params["refresh_token"]) : undefined;
      if (!refresh || refresh.provider !== "google" || refresh.revoked || refresh.expiresAt <= state.now() || refresh.clientId !== client.clientId) {
        return tokenError(reply, 400, "invalid_grant", "Token has been expired or revoked.");
      }
      const account = state.accounts.get(refresh.accountId);
      if (!account) return tokenError(reply, 400, "invalid_grant", "Token has been expired or revoked.");
      const access = state.issueAccessToken({ provider: "google", clientId: client.clientId, accountId: account.id, scopes: refresh.scopes }, ctx.settings.accessTokenLifetimeSeconds);
      // Google keeps the same refresh token: the response carries no new one.
      return reply.send({
        access_token: access.token, expires_in: ctx.settings.accessTokenLifetimeSeconds, scope: refresh.scopes.join(" "), token_type: "Bearer",
        ...(refresh.scopes.includes("openid") ? { id_token: idToken(ctx, account, client.clientId, undefined) } : {}),
      });
    }

    return tokenError(reply, 400, "unsupported_grant_type", `Invalid grant_type: ${grantType ?? ""}`);
  });

  app.post("/revoke", async (request, reply) => {
    const token = stringParams(request.query)["token"] ?? stringParams(request.body)["token"];
    const refresh = token ? state.refreshTokens.get(token) : undefined;
    const access = token ? state.accessTokens.get(token) : undefined;
    if ((!refresh || refresh.revoked) && (!access || access.expiresAt <= state.now())) {
      return tokenError(reply, 400, "invalid_token", "Token expired or revoked");
    }
    // Revoking either token of a grant ends the whole grant (Google "Revoking a token" guide).
    const accountId = refresh?.accountId ?? access?.accountId;
    const clientId = refresh?.clientId ?? access?.clientId;
    for (const candidate of state.refreshTokens.values()) if (candidate.accountId === accountId && candidate.clientId === clientId) candidate.revoked = true;
    for (const candidate of state.accessTokens.values()) if (candidate.accountId === accountId && candidate.clientId === clientId) candidate.expiresAt = state.now() - 1;
    consentedRefresh.delete(`${clientId}|${accountId}`);
    return reply.header("content-type", "application/json; charset=utf-8").send({});
  });

  // Google's published id_token keys: v1 as PEM certificates, v3 as a JWK set.
  app.get("/oauth2/v1/certs", async (_request, reply) => reply.header("cache-control", "public, max-age=3600").send(ctx.signer.pemCertificates()));
  app.get("/oauth2/v3/certs", async (_request, reply) => reply.header("cache-control", "public, max-age=3600").send(ctx.signer.jwks()));
}
