import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../../src/calendars/provider-error.js";
import { createPkcePair } from "../../../src/calendars/connections/pkce.js";
import { startEmulator, type Emulator } from "../../emulator/server.js";
import { authorize, MICROSOFT_REDIRECT } from "../../emulator/test-support.js";
import { microsoftOAuth, signIn } from "./support/connect.js";

describe("Microsoft OAuth against the emulator", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("builds an authorization-code URL with PKCE S256, state, response_mode=query and the fixed scopes", () => {
    const { oauth } = microsoftOAuth(emulator, emulator.url);
    const url = new URL(oauth.authorizationUrl({ state: "abc", codeChallenge: "challenge", redirectUri: MICROSOFT_REDIRECT }));
    expect(url.pathname).toBe("/common/oauth2/v2.0/authorize");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code", response_mode: "query", state: "abc", code_challenge: "challenge", code_challenge_method: "S256", redirect_uri: MICROSOFT_REDIRECT,
      // PRODUCT's scopes: presence (Presence.Read) and the mailbox's time zone (MailboxSettings.Read) included, and Mail.ReadBasic (Sent Items headers: settles a send whose answer was lost).
      scope: "offline_access User.Read Calendars.ReadWrite Mail.Send Mail.ReadBasic OnlineMeetings.Read OnlineMeetingArtifact.Read.All Presence.Read MailboxSettings.Read",
    });
  });

  it("exchanges the code with its verifier and reads the account from /me", async () => {
    const { oauth } = microsoftOAuth(emulator, emulator.url);
    const { tokens, account } = await signIn(emulator, oauth, "ada@contoso.example");
    expect(tokens.accessToken).not.toBe("");
    expect(tokens.refreshToken).not.toBeNull();
    expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(tokens.scopes).toContain("Calendars.ReadWrite");
    const user = emulator.control.addUser({ provider: "microsoft", email: "ada@contoso.example" });
    expect(account).toEqual({ accountId: user.id, email: "ada@contoso.example", name: user.name });
  });

  it("rejects a code redeemed with the wrong verifier as auth_revoked (invalid_grant)", async () => {
    const { oauth } = microsoftOAuth(emulator, emulator.url);
    emulator.control.setNextLogin("microsoft", "ada@contoso.example");
    const params = await authorize(oauth.authorizationUrl({ state: "s", codeChallenge: createPkcePair().challenge, redirectUri: MICROSOFT_REDIRECT }));
    const attempt = oauth.exchangeCode({ code: params.get("code") ?? "", codeVerifier: createPkcePair().verifier, redirectUri: MICROSOFT_REDIRECT });
    await expect(attempt).rejects.toMatchObject({ kind: "auth_revoked", message: expect.stringContaining("AADSTS501481") });
  });

  it("refreshes and returns the rotated refresh token", async () => {
    const { oauth } = microsoftOAuth(emulator, emulator.url);
    const { tokens } = await signIn(emulator, oauth, "grace@contoso.example");
    const refreshed = await oauth.refresh(tokens.refreshToken ?? "");
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBeTruthy();
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    const again = await oauth.refresh(refreshed.refreshToken ?? "");
    expect(again.refreshToken).not.toBe(refreshed.refreshToken);
  });

  it("classifies a revoked refresh token (invalid_grant, AADSTS50173) as auth_revoked, not retryable", async () => {
    const { oauth } = microsoftOAuth(emulator, emulator.url);
    const { tokens } = await signIn(emulator, oauth, "linus@contoso.example");
    emulator.control.revokeRefreshTokens("linus@contoso.example", "microsoft");
    const error = await oauth.refresh(tokens.refreshToken ?? "").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "auth_revoked", retryable: false, message: expect.stringContaining("AADSTS50173") });
  });

  it("classifies a throttled token endpoint as rate_limited with Retry-After", async () => {
    const { oauth } = microsoftOAuth(emulator, emulator.url);
    const { tokens } = await signIn(emulator, oauth, "ken@contoso.example");
    emulator.control.addFault({ method: "POST", path: "/common/oauth2/v2.0/token", kind: "rateLimit", retryAfterSeconds: 7 });
    await expect(oauth.refresh(tokens.refreshToken ?? "")).rejects.toMatchObject({ kind: "rate_limited", retryAfterMs: 7000 });
  });

  it("revoke is a documented no-op (v2 has no per-token revocation)", async () => {
    const { oauth } = microsoftOAuth(emulator, emulator.url);
    emulator.control.clearRequests();
    await oauth.revoke("anything");
    expect(emulator.control.requests()).toHaveLength(0);
  });
});
