import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncConnection } from "../../src/calendars/sync/sync-connection.js";
import { CookieClient } from "../support/cookie-client.js";
import { waitForMeeting } from "../support/connect.js";
import { startHarness, TEST_KEY, type Harness } from "../support/service-harness.js";
import { settleTasks } from "../sync/support.js";

const HOUR = 3_600_000;
const LIST_PATH = { google: "/calendar/v3/calendars/*/events", microsoft: "/v1.0/me/calendarView/delta" } as const;
const accounts = { google: "ann@example.com", microsoft: "cam@contoso.example" } as const;

/**
 * The whole credential life of a connection at debug level — OAuth connect through the
 * emulator, first sync, a provider failure, a token refresh (Microsoft rotates refresh
 * tokens), a sync with the new token, sign-out — then every secret that passed through the
 * service is looked for in the log.
 */
describe("nothing secret in the logs", () => {
  let harness: Harness;
  const secrets = new Map<string, string>();

  async function fullFlow(provider: "google" | "microsoft"): Promise<void> {
    const { control } = harness.emulator;
    const { db, sealer, sync } = harness.service.services;
    control.addUser({ provider, email: accounts[provider] });
    control.createEvent(accounts[provider], { summary: `${provider} first`, start: new Date(Date.now() + 2 * HOUR).toISOString(), end: new Date(Date.now() + 3 * HOUR).toISOString() }, provider);
    control.setNextLogin(provider, accounts[provider]);
    const browser = new CookieClient(harness.baseUrl);
    const { hops } = await browser.follow(`/auth/${provider}`);
    const callback = new URL(hops.find((hop) => hop.startsWith(`${harness.baseUrl}/auth/${provider}/callback`))!);
    secrets.set(`${provider} authorization code`, callback.searchParams.get("code")!);
    const signedSession = browser.cookie("mg_session")!;
    secrets.set(`${provider} session cookie`, signedSession);
    secrets.set(`${provider} session token`, signedSession.slice(0, signedSession.lastIndexOf(".")));
    const meeting = await waitForMeeting(browser, `${provider} first`, () => true);
    await settleTasks(harness);

    // The one-click check-in link works without signing in: its token is a credential, and it
    // travels in the path, so the request lines must not carry it (GET shows the page, POST checks in).
    const owner = await db.meeting.findUniqueOrThrow({ where: { id: meeting.id }, select: { userId: true } });
    const link = new URL(harness.service.services.checkIns.url(meeting.id, owner.userId, new Date(Date.now() + HOUR)));
    secrets.set(`${provider} check-in token`, link.pathname.slice("/check-in/".length));
    expect((await fetch(`${harness.baseUrl}${link.pathname}`)).status).toBe(200);
    // (409: the meeting has not started yet; the token was verified all the same)
    expect((await fetch(`${harness.baseUrl}${link.pathname}`, { method: "POST" })).status).toBe(409);

    const connection = await db.connection.findFirstOrThrow({ where: { provider, accountEmail: accounts[provider] } });
    secrets.set(`${provider} first access token`, sealer.open(connection.accessTokenSealed!, connection.id));
    secrets.set(`${provider} first refresh token`, sealer.open(connection.refreshTokenSealed!, connection.id));

    // A provider failure: errors are logged with their fields, which must not carry headers.
    control.addFault({ method: "GET", path: LIST_PATH[provider], kind: "serverError", status: 500, times: 1 });
    expect((await syncConnection(connection.id, sync)).status).toBe("backing_off");

    // The access token has run out: the next sync refreshes it.
    await db.connection.update({ where: { id: connection.id }, data: { accessTokenExpiresAt: new Date(Date.now() - 1000), backoffUntil: null } });
    expect(await syncConnection(connection.id, sync)).toMatchObject({ status: "synced" });
    const refreshed = await db.connection.findUniqueOrThrow({ where: { id: connection.id } });
    const newAccess = sealer.open(refreshed.accessTokenSealed!, refreshed.id);
    expect(newAccess).not.toBe(secrets.get(`${provider} first access token`));
    secrets.set(`${provider} refreshed access token`, newAccess);
    secrets.set(`${provider} current refresh token`, sealer.open(refreshed.refreshTokenSealed!, refreshed.id));

    expect((await browser.fetch("/auth/sign-out", { method: "POST" })).status).toBe(204);
  }

  beforeAll(async () => {
    harness = await startHarness({ env: { LOG_LEVEL: "debug" } });
    const env = harness.emulator.env;
    secrets.set("Google client secret", env.GOOGLE_CLIENT_SECRET);
    secrets.set("Microsoft client secret", env.MICROSOFT_CLIENT_SECRET);
    secrets.set("token encryption key", TEST_KEY);
    await fullFlow("google");
    await fullFlow("microsoft");
  }, 90_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("the flow was logged (the test reads a real log)", () => {
    const text = harness.logs.text();
    expect(text).toContain("calendar connected");
    expect(text).toContain("incoming request");
    expect(text).toContain("sync failed; backing off");
    expect(text.split("\n").length).toBeGreaterThan(30);
  });

  it("holds none of the tokens, codes, client secrets, keys or session cookies", () => {
    const text = harness.logs.text();
    expect(secrets.size).toBe(19);
    for (const [what, value] of secrets) {
      expect(value.length, what).toBeGreaterThanOrEqual(8);
      expect(text.includes(value), `${what} appears in the log`).toBe(false);
      // Also not URL-encoded (a logged redirect or query string).
      expect(text.includes(encodeURIComponent(value)), `${what} appears URL-encoded in the log`).toBe(false);
    }
  });
});
