import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGoogleCalendar } from "../../../src/calendars/google/calendar.js";
import { createGoogleOAuth, type GoogleEndpoints } from "../../../src/calendars/google/oauth.js";
import { ProviderError } from "../../../src/calendars/provider-error.js";
import type { AttendanceQuery, CalendarProvider } from "../../../src/calendars/provider.js";
import { createPkcePair } from "../../../src/calendars/connections/pkce.js";
import { systemClock } from "../../../src/platform/clock.js";
import { createLogger } from "../../../src/platform/logger.js";
import { startEmulator, type Emulator } from "../../emulator/server.js";
import { authorize, connectGoogle, GOOGLE_REDIRECT } from "../../emulator/test-support.js";

const MINUTE = 60_000;

describe("Google time zone, presence and Meet while it runs, against the emulator", () => {
  let emulator: Emulator;
  let endpoints: GoogleEndpoints;
  let gus: CalendarProvider;
  // The id_token the code exchange verifies is checked against the real clock: stay near it.
  const base = Math.floor(Date.now() / MINUTE) * MINUTE;
  const at = (offsetMs: number): string => new Date(base + offsetMs).toISOString();

  /** Connect Google through our OAuth provider (the product's scopes) and build the calendar adapter. */
  async function connect(email: string, tokenFor: (email: string) => Promise<string> = productToken): Promise<CalendarProvider> {
    const accessToken = await tokenFor(email);
    const account = emulator.control.addUser({ provider: "google", email });
    return createGoogleCalendar({
      endpoints,
      tokens: { accessToken: async () => accessToken, invalidate: () => undefined },
      account: { id: `connection-${account.id}`, provider: "google", accountId: account.id, accountEmail: email },
      clock: systemClock,
      log: createLogger("silent"),
    });
  }

  async function productToken(email: string): Promise<string> {
    const oauth = createGoogleOAuth({ clientId: emulator.env.GOOGLE_CLIENT_ID, clientSecret: emulator.env.GOOGLE_CLIENT_SECRET, endpoints });
    emulator.control.setNextLogin("google", email);
    const pkce = createPkcePair();
    const params = await authorize(oauth.authorizationUrl({ state: "s", codeChallenge: pkce.challenge, redirectUri: GOOGLE_REDIRECT }));
    return (await oauth.exchangeCode({ code: params.get("code") ?? "", codeVerifier: pkce.verifier, redirectUri: GOOGLE_REDIRECT })).tokens.accessToken;
  }

  const meetQuery = (code: string): AttendanceQuery => ({ providerEventId: "e", meetCode: code, teamsJoinUrl: null, onlineMeetingId: null, start: new Date(at(-10 * MINUTE)), end: new Date(at(50 * MINUTE)), isOrganizer: true });

  beforeAll(async () => {
    emulator = await startEmulator({ now: () => base });
    endpoints = { authUrl: emulator.env.GOOGLE_AUTH_URL, tokenUrl: emulator.env.GOOGLE_TOKEN_URL, apiRootUrl: emulator.env.GOOGLE_API_ROOT_URL, meetRootUrl: emulator.env.GOOGLE_MEET_ROOT_URL };
    emulator.control.addUser({ provider: "google", email: "gus@example.com", name: "Gus" });
    emulator.control.addUser({ provider: "google", email: "dana@client.example", name: "Dana" });
    emulator.control.addUser({ provider: "google", email: "olaf@else.example", name: "Olaf" });
    gus = await connect("gus@example.com");
  });
  afterAll(async () => emulator.close());

  it("reads the user's Calendar timezone setting", async () => {
    expect(await gus.timeZone()).toBe("UTC");
    emulator.control.setTimeZone("gus@example.com", "Asia/Tokyo", "google");
    expect(await gus.timeZone()).toBe("Asia/Tokyo");
    emulator.control.setTimeZone("gus@example.com", "Not/AZone", "google");
    expect(await gus.timeZone()).toBeNull();
    emulator.control.setTimeZone("gus@example.com", "UTC", "google");
  });

  it("throws forbidden for the zone when the grant lacks a calendar read scope", async () => {
    // test-support's scopes predate calendar.readonly: calendar.events alone does not cover settings.
    const narrow = await connect("gus@example.com", async (email) => (await connectGoogle(emulator, email)).credentials.access_token ?? "");
    const error = await narrow.timeZone().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "forbidden" });
  });

  it("has no presence status", async () => {
    expect(await gus.presence()).toEqual({ available: false, reason: "Google accounts have no presence status" });
  });

  it("says the user is in a live Meet call, then not once they leave, and nobody once it ends", async () => {
    const { name } = emulator.control.addConferenceRecord({
      owner: "gus@example.com", meetingCode: "liv-eeee-one", startTime: at(-5 * MINUTE),
      participants: [{ email: "dana@client.example", joinTime: at(-5 * MINUTE) }, { email: "gus@example.com", joinTime: at(-3 * MINUTE) }],
    });
    expect(await gus.attendance(meetQuery("liv-eeee-one"))).toMatchObject({ available: true, selfJoinedAt: new Date(at(-3 * MINUTE)), selfInCallNow: true, othersInCallNow: true });

    emulator.control.leaveConference(name, "gus@example.com", at(-MINUTE));
    expect(await gus.attendance(meetQuery("liv-eeee-one"))).toMatchObject({ available: true, selfJoinedAt: new Date(at(-3 * MINUTE)), selfInCallNow: false, othersInCallNow: true });

    emulator.control.endConference(name, at(0));
    expect(await gus.attendance(meetQuery("liv-eeee-one"))).toMatchObject({ available: true, selfInCallNow: false, othersInCallNow: false });
  });

  it("a user who was only in an earlier, ended conference of the code is not in the call; the others in the live one are", async () => {
    const first = emulator.control.addConferenceRecord({
      owner: "gus@example.com", meetingCode: "two-reco-rds", startTime: at(-9 * MINUTE), endTime: at(-6 * MINUTE),
      participants: [{ email: "gus@example.com", joinTime: at(-9 * MINUTE) }],
    });
    expect(first.name).toMatch(/^conferenceRecords\//);
    emulator.control.addConferenceRecord({
      owner: "gus@example.com", meetingCode: "two-reco-rds", startTime: at(-4 * MINUTE),
      participants: [{ email: "dana@client.example", joinTime: at(-4 * MINUTE) }],
    });
    // Gus's participant in the first record has no latestEndTime, but that record has ended: not in the call now.
    expect(await gus.attendance(meetQuery("two-reco-rds"))).toMatchObject({ available: true, selfJoinedAt: new Date(at(-9 * MINUTE)), selfInCallNow: false, othersInCallNow: true });
  });

  it("sees no record of a conference the user neither owns nor joined", async () => {
    emulator.control.addConferenceRecord({
      owner: "olaf@else.example", meetingCode: "not-mine-xyz", startTime: at(-5 * MINUTE),
      participants: [{ email: "olaf@else.example", joinTime: at(-5 * MINUTE) }, { email: "dana@client.example", joinTime: at(-4 * MINUTE) }],
    });
    expect(await gus.attendance(meetQuery("not-mine-xyz"))).toEqual({ available: false, reason: expect.stringContaining("No Meet conference record") });
  });
});
