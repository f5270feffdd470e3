import { z } from "zod";
import { systemClock, type Clock } from "../../platform/index.js";
import type { OAuthProvider, ProviderAccount, TokenSet } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import { MICROSOFT_SCOPES, PROVIDER, withoutTrailingSlash, type MicrosoftEndpoints } from "./endpoints.js";
import { tokenEndpointFailure } from "./token-errors.js";

/**
 * Decision: plain fetch for the identity platform's two documented form POSTs (authorization_code
 * and refresh_token grants on /oauth2/v2.0/token) rather than MSAL. MSAL keeps refresh tokens inside
 * its own token cache and does not hand them to the application, while we store each connection's
 * tokens encrypted in our database (PRODUCT §1) and refresh them from any service instance.
 */

const REQUEST_TIMEOUT_MS = 30_000;

const tokenResponseSchema = z.object({
  token_type: z.string(),
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  scope: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
});

const meSchema = z.object({
  id: z.string().min(1),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  displayName: z.string().nullish(),
});

export function createMicrosoftOAuth(config: { clientId: string; clientSecret: string; endpoints: MicrosoftEndpoints }, clock: Clock = systemClock): OAuthProvider {
  const authority = `${withoutTrailingSlash(config.endpoints.authorityUrl)}/${encodeURIComponent(config.endpoints.tenant)}/oauth2/v2.0`;
  const graphUrl = withoutTrailingSlash(config.endpoints.graphUrl);
  const scope = MICROSOFT_SCOPES.join(" ");

  /** POST application/x-www-form-urlencoded to the token endpoint, with the client secret in the body. */
  const requestTokens = async (operation: string, grant: Record<string, string>): Promise<TokenSet> => {
    const startedAt = clock.now();
    const body = new URLSearchParams({ client_id: config.clientId, client_secret: config.clientSecret, scope, ...grant });
    const response = await fetchOrTransient(`${authority}/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body }, `token ${operation}`);
    if (!response.ok) throw await tokenEndpointFailure(response, operation, clock.now());
    const parsed = tokenResponseSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new ProviderError(PROVIDER, "invalid", `Microsoft token endpoint ${operation} answered an unexpected body`, { cause: parsed.error });
    const tokens = parsed.data;
    return {
      accessToken: tokens.access_token,
      // Microsoft rotates refresh tokens: each answer carries a new one, which replaces the old.
      refreshToken: tokens.refresh_token ?? null,
      // expires_in counts from when the server answered; counting from our request errs on the early side.
      expiresAt: new Date(startedAt.getTime() + tokens.expires_in * 1000),
      scopes: (tokens.scope ?? scope).split(/\s+/).filter(Boolean),
    };
  };

  /** GET {graph}/v1.0/me: the object id is the stable account id; mail is null for some accounts, so UPN stands in. */
  const readAccount = async (accessToken: string): Promise<ProviderAccount> => {
    const response = await fetchOrTransient(`${graphUrl}/v1.0/me?$select=id,mail,userPrincipalName,displayName`, { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } }, "read profile");
    if (!response.ok) {
      // A just-issued token refused (401) is Graph-side trouble, not a revoked grant (see graph-errors.ts).
      const kind = response.status === 429 ? "rate_limited" : response.status >= 500 || response.status === 401 ? "transient" : response.status === 403 ? "forbidden" : "invalid";
      throw new ProviderError(PROVIDER, kind, `Microsoft Graph GET /me failed: HTTP ${response.status}`, { status: response.status });
    }
    const me = meSchema.safeParse(await response.json().catch(() => undefined));
    const email = me.success ? (me.data.mail ?? me.data.userPrincipalName) : null;
    if (!me.success || !email) throw new ProviderError(PROVIDER, "invalid", "Microsoft Graph /me answered no id or address");
    return { accountId: me.data.id, email, name: me.data.displayName ?? null };
  };

  return {
    kind: "microsoft",
    authorizationUrl({ state, codeChallenge, redirectUri, loginHint }) {
      const url = new URL(`${authority}/authorize`);
      url.search = new URLSearchParams({
        client_id: config.clientId,
        response_type: "code",
        redirect_uri: redirectUri,
        response_mode: "query",
        scope,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: "S256",
        ...(loginHint ? { login_hint: loginHint } : {}),
      }).toString();
      return url.toString();
    },
    async exchangeCode({ code, codeVerifier, redirectUri }) {
      const tokens = await requestTokens("code exchange", { grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: codeVerifier });
      return { tokens, account: await readAccount(tokens.accessToken) };
    },
    refresh(refreshToken) {
      return requestTokens("refresh", { grant_type: "refresh_token", refresh_token: refreshToken });
    },
    /**
     * The v2 endpoint has no per-token revocation (no RFC 7009 endpoint). POST /me/revokeSignInSessions
     * exists but signs the user out of every application on every device, far more than disconnecting
     * us, so we do not call it: disconnecting deletes our stored tokens, and the user can remove the
     * app's consent at https://myapps.microsoft.com.
     */
    async revoke() {},
  };
}

async function fetchOrTransient(url: string, init: RequestInit, operation: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new ProviderError(PROVIDER, "transient", `Microsoft ${operation} could not be reached: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
