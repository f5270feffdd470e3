import { z } from "zod";
import type { TokenSet } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import { zoomFailure, zoomFetch, type ZoomEndpoints } from "./zoom-http.js";

export interface ZoomApp {
  clientId: string;
  clientSecret: string;
  endpoints: ZoomEndpoints;
  now: () => Date;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive(),
  scope: z.string().optional(),
});

/**
 * Zoom's user-managed OAuth (authorization code, PKCE, refresh). The client authenticates with
 * HTTP Basic (client id and secret), as Zoom documents for /oauth/token and /oauth/revoke. Zoom
 * rotates refresh tokens: every refresh answers a new one and the old one stops working, so the
 * caller stores it before anything else (ZoomTokens refreshes under the row's lock).
 */
export function zoomAuthorizationUrl(app: ZoomApp, params: { state: string; codeChallenge: string; redirectUri: string }): string {
  const url = new URL(`${app.endpoints.authUrl}/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: app.clientId,
    redirect_uri: params.redirectUri,
    state: params.state,
    code_challenge: params.codeChallenge,
    code_challenge_method: "S256",
  }).toString();
  return url.toString();
}

function basic(app: ZoomApp): string {
  return `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString("base64")}`;
}

async function tokenRequest(app: ZoomApp, form: Record<string, string>, what: string): Promise<TokenSet> {
  const response = await zoomFetch(
    `${app.endpoints.authUrl}/oauth/token`,
    { method: "POST", headers: { authorization: basic(app), "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: new URLSearchParams(form).toString() },
    what,
  );
  if (!response.ok) throw await zoomFailure(response, what, app.now(), { tokenEndpoint: true });
  const parsed = tokenResponse.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new ProviderError("zoom", "invalid", `${what}: Zoom answered without an access token`);
  const body = parsed.data;
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? null,
    expiresAt: new Date(app.now().getTime() + body.expires_in * 1000),
    scopes: body.scope ? body.scope.split(/[\s,]+/).filter(Boolean) : [],
  };
}

export function exchangeZoomCode(app: ZoomApp, params: { code: string; codeVerifier: string; redirectUri: string }): Promise<TokenSet> {
  return tokenRequest(app, { grant_type: "authorization_code", code: params.code, redirect_uri: params.redirectUri, code_verifier: params.codeVerifier }, "Zoom code exchange");
}

/** A dead refresh token (revoked, already rotated, the app removed) is ProviderError "auth_revoked". */
export function refreshZoomToken(app: ZoomApp, refreshToken: string): Promise<TokenSet> {
  return tokenRequest(app, { grant_type: "refresh_token", refresh_token: refreshToken }, "Zoom token refresh");
}

/** Revokes the app's grant; a token Zoom no longer knows is what we wanted. */
export async function revokeZoomToken(app: ZoomApp, token: string): Promise<void> {
  const what = "Zoom token revocation";
  const response = await zoomFetch(
    // Zoom documents the token as a query parameter of the POST.
    `${app.endpoints.authUrl}/oauth/revoke?${new URLSearchParams({ token }).toString()}`,
    { method: "POST", headers: { authorization: basic(app), accept: "application/json" } },
    what,
  );
  if (response.ok) return;
  const failure = await zoomFailure(response, what, app.now(), { tokenEndpoint: true });
  if (failure.kind !== "auth_revoked") throw failure;
}
