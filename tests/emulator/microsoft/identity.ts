import type { FastifyInstance, FastifyReply } from "fastify";
import { basicCredentials, escapeHtml, stringParams, type EmulatorContext } from "../context.js";
import { opaqueId } from "../ids.js";
import { resolveLogin, withQuery } from "../login.js";
import { pkceMatches } from "../pkce.js";
import type { Account, OAuthClient } from "../state.js";
import { sendIdentityError } from "./errors.js";

/** Refresh tokens default to 90 days for non-SPA apps ("Refresh tokens in the Microsoft identity platform"). */
const REFRESH_TOKEN_LIFETIME_SECONDS = 90 * 86_400;
const GRAPH_RESOURCE = "https://graph.microsoft.com/";
const TENANT_PATTERN = /^(common|organizations|consumers|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;
const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

function normaliseScopes(scope: string): string[] {
  return [...new Set(scope.split(/\s+/).filter(Boolean).map((s) => (s.startsWith(GRAPH_RESOURCE) ? s.slice(GRAPH_RESOURCE.length) : s)))];
}

/** What the token response reports: the Graph permissions plus the OIDC scopes, offline_access excluded. */
function reportedScope(scopes: string[]): string {
  const graph = scopes.filter((s) => !OIDC_SCOPES.has(s));
  return [...graph, ...scopes.filter((s) => OIDC_SCOPES.has(s) && s !== "offline_access")].join(" ");
}

function errorPage(reply: FastifyReply, aadsts: number, message: string): FastifyReply {
  return reply.code(400).type("text/html; charset=utf-8").send(`<!doctype html><title>Sign in to your account</title><h1>Sorry, but we're having trouble signing you in.</h1><p>AADSTS${aadsts}: ${escapeHtml(message)}</p>`);
}

export function registerMicrosoftIdentity(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const clientFor = (clientId: string | undefined): OAuthClient | undefined => {
    const client = clientId ? state.clients.get(clientId) : undefined;
    return client?.provider === "microsoft" ? client : undefined;
  };
  const idToken = (account: Account, clientId: string, nonce: string | undefined): string => {
    const iat = Math.floor(state.now() / 1000);
    return ctx.signer.sign({
      ver: "2.0", iss: `https://login.microsoftonline.com/${account.tenantId}/v2.0`, aud: clientId, sub: account.id, oid: account.id, tid: account.tenantId,
      preferred_username: account.email, email: account.email, name: account.name, iat, nbf: iat, exp: iat + 3600, ...(nonce ? { nonce } : {}),
    });
  };

  app.get<{ Params: { tenant: string } }>("/:tenant/oauth2/v2.0/authorize", async (request, reply) => {
    const params = stringParams(request.query);
    if (!TENANT_PATTERN.test(request.params.tenant)) return errorPage(reply, 90002, `Tenant '${request.params.tenant}' not found.`);
    const client = clientFor(params["client_id"]);
    if (!client) return errorPage(reply, 700016, `Application with identifier '${params["client_id"] ?? ""}' was not found in the directory.`);
    const redirectUri = params["redirect_uri"] ?? "";
    if (!redirectUri || (client.redirectUris.length > 0 && !client.redirectUris.includes(redirectUri))) {
      return errorPage(reply, 50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'.`);
    }
    const stateParam = params["state"];
    const fail = (error: string, aadsts: number, description: string): FastifyReply =>
      reply.redirect(withQuery(redirectUri, { error, error_description: `AADSTS${aadsts}: ${description}`, state: stateParam }));
    if (params["response_type"] !== "code") return fail("unsupported_response_type", 70005, "The provided value for the input parameter 'response_type' is not allowed for this request.");
    const method = params["code_challenge_method"];
    if (params["code_challenge"] && method !== undefined && method !== "S256" && method !== "plain") return fail("invalid_request", 50147, "The code_challenge_method is not supported.");
    const scopes = normaliseScopes(params["scope"] ?? "");
    if (scopes.length === 0) return fail("invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
    const login = resolveLogin(ctx, "microsoft", request.url, params);
    if (login.kind === "page") return reply.type("text/html; charset=utf-8").send(login.html);
    if (login.kind === "deny") return fail("access_denied", 65004, "User declined to consent to access the app.");
    const code = opaqueId("0.AXEA-emu", 48);
    state.codes.set(code, {
      code, provider: "microsoft", clientId: client.clientId, redirectUri, accountId: login.account.id, scopes,
      codeChallenge: params["code_challenge"], codeChallengeMethod: params["code_challenge"] ? (method ?? "plain") : undefined,
      nonce: params["nonce"], offline: scopes.includes("offline_access"),
      expiresAt: state.now() + ctx.settings.authorizationCodeLifetimeSeconds * 1000, redeemed: false,
    });
    return reply.redirect(withQuery(redirectUri, { code, state: stateParam, session_state: opaqueId("", 16) }));
  });

  app.post<{ Params: { tenant: string } }>("/:tenant/oauth2/v2.0/token", async (request, reply) => {
    const now = state.now();
    const params = stringParams(request.body);
    const basic = basicCredentials(request);
    const clientId = basic?.clientId ?? params["client_id"];
    if (!clientId) return sendIdentityError(reply, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.", now);
    const client = clientFor(clientId);
    if (!client) return sendIdentityError(reply, 400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory.`, now);
    if ((basic?.clientSecret ?? params["client_secret"]) !== client.clientSecret) {
      return sendIdentityError(reply, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.", now);
    }

    const respond = (account: Account, scopes: string[], offline: boolean, nonce: string | undefined) => {
      const access = state.issueAccessToken({ provider: "microsoft", clientId: client.clientId, accountId: account.id, scopes }, ctx.settings.accessTokenLifetimeSeconds);
      const refresh = offline ? state.issueRefreshToken({ provider: "microsoft", clientId: client.clientId, accountId: account.id, scopes }, REFRESH_TOKEN_LIFETIME_SECONDS) : undefined;
      return reply.header("cache-control", "no-store, no-cache").send({
        token_type: "Bearer", scope: reportedScope(scopes), expires_in: ctx.settings.accessTokenLifetimeSeconds, ext_expires_in: ctx.settings.accessTokenLifetimeSeconds,
        access_token: access.token, ...(refresh ? { refresh_token: refresh.token } : {}),
        ...(scopes.includes("openid") ? { id_token: idToken(account, client.clientId, nonce) } : {}),
      });
    };

    switch (params["grant_type"]) {
      case "authorization_code": {
        const grant = params["code"] ? state.codes.get(params["code"]) : undefined;
        if (!params["code"]) return sendIdentityError(reply, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'code'.", now);
        if (!grant || grant.provider !== "microsoft" || grant.clientId !== client.clientId) return sendIdentityError(reply, 400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.", now);
        if (grant.redeemed) return sendIdentityError(reply, 400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.", now);
        if (grant.expiresAt <= now) return sendIdentityError(reply, 400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.", now);
        if (params["redirect_uri"] !== grant.redirectUri) return sendIdentityError(reply, 400, "invalid_grant", 500117, "The reply uri specified in the request isn't expected.", now);
        if (grant.codeChallenge) {
          const verifier = params["code_verifier"];
          if (!verifier) return sendIdentityError(reply, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'code_verifier'.", now);
          if (!pkceMatches(grant.codeChallenge, grant.codeChallengeMethod, verifier)) return sendIdentityError(reply, 400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.", now);
        }
        grant.redeemed = true;
        const account = state.accounts.get(grant.accountId);
        if (!account) return sendIdentityError(reply, 400, "invalid_grant", 50034, "The user account does not exist in the directory.", now);
        return respond(account, grant.scopes, grant.offline, grant.nonce);
      }
      case "refresh_token": {
        const refresh = params["refresh_token"] ? state.refreshTokens.get(params["refresh_token"]) : undefined;
        if (!refresh || refresh.provider !== "microsoft" || refresh.clientId !== client.clientId) return sendIdentityError(reply, 400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.", now);
        if (refresh.revoked) return sendIdentityError(reply, 400, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.", now);
        if (refresh.expiresAt <= now) return sendIdentityError(reply, 400, "invalid_grant", 700082, "The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00.", now);
        const account = state.accounts.get(refresh.accountId);
        if (!account) return sendIdentityError(reply, 400, "invalid_grant", 50034, "The user account does not exist in the directory.", now);
        const requested = params["scope"] ? normaliseScopes(params["scope"]) : refresh.scopes;
        // Every refresh answers a NEW refresh token; the old one is not revoked (it stays usable until it expires).
        return respond(account, requested.includes("offline_access") || refresh.scopes.includes("offline_access") ? refresh.scopes : requested, true, undefined);
      }
      default:
        return sendIdentityError(reply, 400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${params["grant_type"] ?? ""}'.`, now);
    }
  });

  app.get("/:tenant/discovery/v2.0/keys", async () => ctx.signer.jwks());
}
