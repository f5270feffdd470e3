import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessTokenSource } from "../../src/calendars/provider.js";
import { ProviderError } from "../../src/calendars/provider-error.js";
import { ZoomApi, meetingUuidPath } from "../../src/calendars/zoom/zoom-api.js";
import { exchangeZoomCode, refreshZoomToken, revokeZoomToken, zoomAuthorizationUrl, type ZoomApp } from "../../src/calendars/zoom/zoom-oauth.js";
import { checkZoomSignature, urlValidationAnswer, zoomSignature } from "../../src/calendars/zoom/zoom-signature.js";
import { zoomMeetingIdIn } from "../../src/calendars/domain/zoom-link.js";
import { createPkcePair } from "../../src/calendars/connections/pkce.js";
import { startEmulator, type Emulator } from "../emulator/server.js";

const fixed = (token: string): AccessTokenSource => ({ accessToken: async () => token, invalidate: () => undefined });

describe("Zoom's rules, pure", () => {
  it("finds the meeting number in every form of join link, and none in a personal link by name", () => {
    expect(zoomMeetingIdIn("Join: https://zoom.us/j/81234567890?pwd=abc")).toBe("81234567890");
    expect(zoomMeetingIdIn("https://acme.zoom.us/j/912345678")).toBe("912345678");
    expect(zoomMeetingIdIn("https://us06web.zoom.us/w/81234567890?tk=x")).toBe("81234567890");
    expect(zoomMeetingIdIn("zoommtg://zoom.us/join?action=join&confno=81234567890&pwd=1")).toBe("81234567890");
    expect(zoomMeetingIdIn("https://zoom.us/my/jo.park")).toBeNull();
    expect(zoomMeetingIdIn("https://notzoom.example/j/81234567890")).toBeNull();
    expect(zoomMeetingIdIn("Meeting ID: 812 3456 7890")).toBeNull();
  });

  it("checks x-zm-signature over v0:{timestamp}:{raw body}, refuses stale timestamps, and answers the challenge", () => {
    const now = new Date("2026-11-17T09:00:00Z");
    const timestamp = String(now.getTime() / 1000);
    const body = '{"event":"meeting.started"}';
    const signature = zoomSignature("secret", timestamp, body);
    expect(signature).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(checkZoomSignature({ secretToken: "secret", signature, timestamp, rawBody: body, now })).toBe("valid");
    expect(checkZoomSignature({ secretToken: "secret", signature, timestamp, rawBody: body.replace("started", "ended"), now })).toBe("bad_signature");
    expect(checkZoomSignature({ secretToken: "other", signature, timestamp, rawBody: body, now })).toBe("bad_signature");
    expect(checkZoomSignature({ secretToken: "secret", signature: undefined, timestamp, rawBody: body, now })).toBe("unsigned");
    const old = String(now.getTime() / 1000 - 301);
    expect(checkZoomSignature({ secretToken: "secret", signature: zoomSignature("secret", old, body), timestamp: old, rawBody: body, now })).toBe("stale");
    // Zoom's documented example: HMAC-SHA256 of the plainToken with the secret token, hex.
    expect(urlValidationAnswer("secret", "qgg8vlvZRS6UYooatFL8Aw").encryptedToken).toMatch(/^[0-9a-f]{64}$/);
  });

  it("encodes a meeting UUID twice only when it begins with / or holds //", () => {
    expect(meetingUuidPath("4444AAAiAAAAAiAiAiiAii==")).toBe("4444AAAiAAAAAiAiAiiAii%3D%3D");
    expect(meetingUuidPath("/ajXp112QmuoKj4854875==")).toBe("%252FajXp112QmuoKj4854875%253D%253D");
    expect(meetingUuidPath("ab//cd+e==")).toBe("ab%252F%252Fcd%252Be%253D%253D");
  });
});

describe("Zoom's OAuth and REST API against the emulator", () => {
  let emulator: Emulator;
  let app: ZoomApp;
  const redirectUri = "http://localhost:3000/auth/zoom/callback";

  beforeAll(async () => {
    emulator = await startEmulator();
    app = { clientId: emulator.env.ZOOM_CLIENT_ID!, clientSecret: emulator.env.ZOOM_CLIENT_SECRET!, endpoints: { authUrl: emulator.env.ZOOM_AUTH_URL!, apiUrl: emulator.env.ZOOM_API_URL! }, now: () => new Date() };
  });
  afterAll(async () => {
    await emulator?.close();
  });

  async function authorize(email: string) {
    emulator.control.zoom.addUser({ email, name: "Jo Park" });
    emulator.control.zoom.setNextLogin(email);
    const pkce = createPkcePair();
    const response = await fetch(zoomAuthorizationUrl(app, { state: "s1", codeChallenge: pkce.challenge, redirectUri }), { redirect: "manual" });
    const location = new URL(response.headers.get("location")!);
    expect(location.searchParams.get("state")).toBe("s1");
    return { code: location.searchParams.get("code")!, verifier: pkce.verifier };
  }

  it("authorization code with PKCE, /users/me, refresh with rotation, then revoke", async () => {
    const first = await authorize("jo@acme.example");
    await expect(exchangeZoomCode(app, { code: first.code, codeVerifier: "wrong", redirectUri })).rejects.toMatchObject({ kind: "auth_revoked" });
    const again = await authorize("jo@acme.example");
    const tokens = await exchangeZoomCode(app, { code: again.code, codeVerifier: again.verifier, redirectUri });
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.scopes).toContain("meeting:read:list_past_participants");
    const me = await new ZoomApi({ apiUrl: app.endpoints.apiUrl, tokens: fixed(tokens.accessToken), now: () => new Date() }).me();
    expect(me).toMatchObject({ email: "jo@acme.example", name: "Jo Park" });
    const rotated = await refreshZoomToken(app, tokens.refreshToken!);
    expect(rotated.refreshToken).not.toBe(tokens.refreshToken);
    // The used refresh token is dead: Zoom rotates.
    await expect(refreshZoomToken(app, tokens.refreshToken!)).rejects.toMatchObject({ kind: "auth_revoked" });
    await revokeZoomToken(app, rotated.accessToken);
    expect(emulator.control.zoom.installed("jo@acme.example")).toBe(false);
    await expect(refreshZoomToken(app, rotated.refreshToken!)).rejects.toMatchObject({ kind: "auth_revoked" });
    // Revoking again is what we wanted: no error.
    await revokeZoomToken(app, rotated.accessToken);
  });

  it("lists hosted meetings and past participants across pages; a UUID starting with / is found only encoded twice", async () => {
    const { code, verifier } = await authorize("kim@acme.example");
    const tokens = await exchangeZoomCode(app, { code, codeVerifier: verifier, redirectUri });
    const api = new ZoomApi({ apiUrl: app.endpoints.apiUrl, tokens: fixed(tokens.accessToken), now: () => new Date() });
    emulator.control.zoom.setMaxPageSize(2);
    for (const id of ["81000000001", "81000000002", "81000000003"]) emulator.control.zoom.scheduleMeeting({ host: "kim@acme.example", id, start: "2026-11-17T09:00:00Z" });
    emulator.control.zoom.scheduleMeeting({ host: "someone@else.example", id: "89000000009", start: "2026-11-17T09:00:00Z" });
    expect((await api.hostedMeetingIds()).sort()).toEqual(["81000000001", "81000000002", "81000000003"]);
    const uuid = "/ajXp112QmuoKj4854875==";
    emulator.control.zoom.recordPastInstance("81000000001", {
      uuid,
      start: "2026-11-17T09:00:00Z",
      end: "2026-11-17T09:30:00Z",
      participants: [{ email: "kim@acme.example", joinTime: "2026-11-17T09:02:00Z" }, { name: "Guest 1", joinTime: "2026-11-17T09:00:00Z" }, { name: "Guest 2", joinTime: "2026-11-17T09:01:00Z" }],
    });
    const participants = await api.pastParticipants({ uuid, id: "81000000001" });
    expect(participants.map((p) => p.name)).toEqual(["Jo Park", "Guest 1", "Guest 2"]);
    expect(participants[0]).toMatchObject({ email: "kim@acme.example", joinedAt: new Date("2026-11-17T09:02:00Z") });
    // Encoded once, Zoom takes the "/" for a path separator: not found.
    const once = await fetch(`${app.endpoints.apiUrl}/past_meetings/${encodeURIComponent(uuid)}/participants`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(once.status).toBe(404);
    expect(((await once.json()) as { code: number }).code).toBe(3001);
    // A meeting that never took place: not_found, which detection reads as "no record", not as an error.
    await expect(api.pastParticipants({ uuid: null, id: "81000000003" })).rejects.toMatchObject({ kind: "not_found" });
    emulator.control.zoom.setMaxPageSize(300);
  });

  it("429 with Retry-After is rate_limited with the delay; a refused token is auth_revoked", async () => {
    const { code, verifier } = await authorize("lee@acme.example");
    const tokens = await exchangeZoomCode(app, { code, codeVerifier: verifier, redirectUri });
    const api = new ZoomApi({ apiUrl: app.endpoints.apiUrl, tokens: fixed(tokens.accessToken), now: () => new Date() });
    emulator.control.addFault({ path: "/zoom/v2/users/me", kind: "rateLimit", retryAfterSeconds: 7 });
    const error = await api.me().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "rate_limited", retryAfterMs: 7000 });
    emulator.control.zoom.revokeGrants("lee@acme.example");
    await expect(api.me()).rejects.toMatchObject({ kind: "auth_revoked" });
  });
});
