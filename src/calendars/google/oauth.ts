import { OAuth2Client } from "google-auth-library";
import { z } from "zod";
import type { OAuthProvider, ProviderAccount, TokenSet } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import { GMAIL_SENT_CHECK_SCOPE } from "../sent-mail-scopes.js";
import { classifyGoogleError } from "./errors.js";

export interface GoogleEndpoints {
  authUrl: string;
  tokenUrl: string;
  /** Calendar v3, userinfo, Gmail v1, OAuth certs; ends with "/" */
  apiRootUrl: string;
  /** Meet REST v2; ends with "/" */
  meetRootUrl: string;
}

/** PRODUCT §1: calendar events read/write, Meet conference records read-only, Gmail send, openid email profile. */
export const GOOGLE_SCOPES = [
  "openid",
  "email",
  "profile",
  "https://www.googleapis.com/auth/calendar.events",
  "https://www.googleapis.com/auth/calendar.readonly",
  "https://www.googleapis.com/auth/meetings.space.readonly",
  "https://www.googleapis.com/auth/gmail.send",
];

const ISSUERS = ["accounts.google.com", "https://accounts.google.com"];

const idTokenClaims = z.object({ sub: z.string(), email: z.string(), name: z.string().optional() });

/** Builds an OAuth2Client whose every endpoint comes from configuration (tests point it at the emulator). */
export function googleOAuthClient(config: { clientId?: string; clientSecret?: string; endpoints: GoogleEndpoints; redirectUri?: string }): OAuth2Client {
  return new OAuth2Client({
    ...(config.clientId ? { clientId: config.clientId } : {}),
    ...(config.clientSecret ? { clientSecret: config.clientSecret } : {}),
    ...(config.redirectUri ? { redirectUri: config.redirectUri } : {}),
    endpoints: {
      oauth2AuthBaseUrl: config.endpoints.authUrl,
      oauth2TokenUrl: config.endpoints.tokenUrl,
      oauth2RevokeUrl: new URL("../revoke", config.endpoints.tokenUrl.endsWith("/") ? config.endpoints.tokenUrl : `${config.endpoints.tokenUrl}/`).toString(),
      oauth2FederatedSignonPemCertsUrl: `${config.endpoints.apiRootUrl}oauth2/v1/certs`,
      oauth2FederatedSignonJwkCertsUrl: `${config.endpoints.apiRootUrl}oauth2/v3/certs`,
      tokenInfoUrl: `${config.endpoints.apiRootUrl}oauth2/v3/tokeninfo`,
    },
  });
}

function toTokenSet(tokens: { access_token?: string | null; refresh_token?: string | null; expiry_date?: number | null; scope?: string | null }, now: Date): TokenSet {
  if (!tokens.access_token) throw new ProviderError("google", "invalid", "Google returned no access token");
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? null,
    // Google documents expires_in as seconds; the library turns it into expiry_date.
    expiresAt: new Date(tokens.expiry_date ?? now.getTime() + 3600_000),
    scopes: tokens.scope ? tokens.scope.split(" ") : [],
  };
}

/** Google's side of "Connect Google": authorization code with PKCE, offline access, id_token verification. */
export function createGoogleOAuth(config: { clientId: string; clientSecret: string; endpoints: GoogleEndpoints; now?: () => Date }): OAuthProvider {
  const now = config.now ?? (() => new Date());
  const client = googleOAuthClient(config);
  return {
    kind: "google",
    authorizationUrl({ state, codeChallenge, redirectUri, loginHint, checkSentMail }) {
      return client.generateAuthUrl({
        access_type: "offline",
        // Re-consent returns a refresh token even when the user connected before.
        prompt: "consent",
        include_granted_scopes: true,
        // gmail.metadata is restricted: only for a user who asked us to check their Sent folder.
        scope: checkSentMail ? [...GOOGLE_SCOPES, GMAIL_SENT_CHECK_SCOPE] : GOOGLE_SCOPES,
        state,
        redirect_uri: redirectUri,
        code_challenge: codeChallenge,
        // The library's CodeChallengeMethod enum; the wire value is "S256".
        code_challenge_method: "S256" as never,
        ...(loginHint ? { login_hint: loginHint } : {}),
      });
    },
    async exchangeCode({ code, codeVerifier, redirectUri }) {
      try {
        const { tokens } = await client.getToken({ code, codeVerifier, redirect_uri: redirectUri });
        if (!tokens.id_token) throw new ProviderError("google", "invalid", "Google returned no id_token; is the openid scope granted?");
        const ticket = await client.verifyIdToken({ idToken: tokens.id_token, audience: config.clientId });
        const payload = ticket.getPayload();
        if (!payload?.iss || !ISSUERS.includes(payload.iss)) throw new ProviderError("google", "invalid", "The id_token was not issued by Google");
        const claims = idTokenClaims.parse(payload);
        const account: ProviderAccount = { accountId: claims.sub, email: claims.email, name: claims.name ?? null };
        return { tokens: toTokenSet(tokens, now()), account };
      } catch (error) {
        throw classifyGoogleError(error, now(), "Google code exchange");
      }
    },
    async refresh(refreshToken) {
      const refresher = googleOAuthClient(config);
      refresher.setCredentials({ refresh_token: refreshToken });
      try {
        const { credentials } = await refresher.refreshAccessToken();
        return toTokenSet({ ...credentials, refresh_token: credentials.refresh_token === refreshToken ? null : credentials.refresh_token }, now());
      } catch (error) {
        throw classifyGoogleError(error, now(), "Google token refresh");
      }
    },
    async revoke(token) {
      try {
        await client.revokeToken(token);
      } catch (error) {
        const classified = classifyGoogleError(error, now(), "Google token revocation");
        // Already revoked or expired is what we wanted.
        if (classified.kind !== "invalid" && classified.kind !== "auth_revoked") throw classified;
      }
    },
  };
}
