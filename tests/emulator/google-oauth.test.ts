import { calendar } from "@googleapis/calendar";
import { GaxiosError } from "gaxios";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./server.js";
import { authorize, connectGoogle, GOOGLE_SCOPES, googleClient, pkcePair } from "./test-support.js";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
  emulator.control.addUser({ provider: "google", email: "ada@example.com", name: "Ada Lovelace" });
});
afterAll(async () => emulator.close());

function invalidGrant(error: unknown): string | undefined {
  return error instanceof GaxiosError ? (error.response?.data as { error?: string } | undefined)?.error : undefined;
}

describe("Google OAuth 2.0 emulation", () => {
  it("runs the code flow with PKCE, issues a verifiable id_token and a refresh token", async () => {
    const client = googleClient(emulator);
    const { verifier, challenge } = pkcePair();
    emulator.control.setNextLogin("google", "ada@example.com");
    const params = await authorize(client.generateAuthUrl({ access_type: "offline", scope: GOOGLE_SCOPES, state: "xyz", code_challenge: challenge, code_challenge_method: "S256" as never }));
    expect(params.get("state")).toBe("xyz");
    const { tokens } = await client.getToken({ code: params.get("code") ?? "", codeVerifier: verifier });
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope).toContain("https://www.googleapis.com/auth/userinfo.email");
    const ticket = await client.verifyIdToken({ idToken: tokens.id_token ?? "", audience: emulator.env.GOOGLE_CLIENT_ID });
    expect(ticket.getPayload()).toMatchObject({ email: "ada@example.com", email_verified: true, name: "Ada Lovelace", iss: "https://accounts.google.com" });

    // The same code is single-use.
    await expect(client.getToken({ code: params.get("code") ?? "", codeVerifier: verifier })).rejects.toSatisfy((e) => invalidGrant(e) === "invalid_grant");
  });

  it("rejects a wrong PKCE verifier and answers access_denied when the user declines", async () => {
    const client = googleClient(emulator);
    const { challenge } = pkcePair();
    emulator.control.setNextLogin("google", "ada@example.com");
    const params = await authorize(client.generateAuthUrl({ scope: GOOGLE_SCOPES, code_challenge: challenge, code_challenge_method: "S256" as never }));
    await expect(client.getToken({ code: params.get("code") ?? "", codeVerifier: pkcePair().verifier })).rejects.toSatisfy((e) => invalidGrant(e) === "invalid_grant");

    emulator.control.denyNextLogin("google");
    const denied = await authorize(client.generateAuthUrl({ scope: GOOGLE_SCOPES, state: "abc" }));
    expect(Object.fromEntries(denied)).toEqual({ error: "access_denied", state: "abc" });
  });

  it("refreshes after the access token expires, and answers invalid_grant once revoked", async () => {
    const client = await connectGoogle(emulator, "ada@example.com");
    const api = calendar({ version: "v3", rootUrl: emulator.env.GOOGLE_API_ROOT_URL, auth: client });
    // Server-side expiry alone: google-auth-library retries a 401 with a refresh only when it has no
    // expiry_date or forceRefreshOnFailure is set, so the client must also believe the token expired.
    emulator.control.expireAccessTokens("ada@example.com");
    client.setCredentials({ ...client.credentials, expiry_date: Date.now() - 1000 });
    emulator.control.clearRequests();
    const list = await api.events.list({ calendarId: "primary" });
    expect(list.status).toBe(200);
    const calls = emulator.control.requests().map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(["POST /token", "GET /calendar/v3/calendars/primary/events"]);

    const userinfo = await client.request<{ email: string }>({ url: `${emulator.url}/oauth2/v3/userinfo` });
    expect(userinfo.data.email).toBe("ada@example.com");

    emulator.control.expireAccessTokens("ada@example.com");
    await expect(api.events.list({ calendarId: "primary" })).rejects.toSatisfy((e) => e instanceof GaxiosError && e.status === 401);

    emulator.control.revokeRefreshTokens("ada@example.com");
    await expect(client.refreshAccessToken()).rejects.toSatisfy((e) => invalidGrant(e) === "invalid_grant");
  });

  it("revokes through the revoke endpoint", async () => {
    const client = await connectGoogle(emulator, "ada@example.com");
    await client.revokeToken(client.credentials.refresh_token ?? "");
    await expect(client.refreshAccessToken()).rejects.toSatisfy((e) => invalidGrant(e) === "invalid_grant");
  });
});
