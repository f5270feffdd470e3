import { IANAZone } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isZoneName } from "../../src/platform/time-zone.js";
import { CookieClient } from "../support/cookie-client.js";
import { seedUserWithMeetings } from "../support/seed.js";
import { startHarness, type Harness } from "../support/service-harness.js";

const DAY = 86_400_000;

/**
 * A time zone is used by luxon and by PostgreSQL (`at time zone`), so it must be a name both
 * read alike. luxon took "system" and "local" (PostgreSQL refuses them: the punctuality report
 * answered 500 for good) and POSIX-style "UTC+5" (PostgreSQL reads it as UTC-5). The rule is
 * tz database names (Area/Location, UTC, Etc/…), at every door a zone comes in by.
 */
describe("time zones luxon and PostgreSQL read alike", () => {
  let harness: Harness;
  let cookie: string;
  let userId: string;
  let client = 0;

  beforeAll(async () => {
    harness = await startHarness({ env: { SANDBOX: "true" } });
    // A meeting attended at 09:00 UTC two days ago: its hour shows which zone the report used.
    const start = new Date(Math.floor((Date.now() - 2 * DAY) / DAY) * DAY + 9 * 3_600_000);
    const seeded = await seedUserWithMeetings(harness.service.services.db, { timeZone: "UTC", meetings: [{ title: "Standup", start, end: new Date(start.getTime() + 30 * 60_000) }] });
    userId = seeded.userId;
    await harness.service.services.db.meeting.update({ where: { id: seeded.meetingIds[0]! }, data: { state: "attended" } });
    const { token } = await harness.service.services.sessions.create(userId);
    cookie = `mg_session=${harness.service.app.signCookie(token)}`;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    client += 1;
    const headers: Record<string, string> = { cookie, origin: harness.baseUrl, accept: "application/json", "x-forwarded-for": `198.18.7.${client & 255}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${harness.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as T };
  }

  const storeZone = (timeZone: string) => harness.service.services.db.settings.update({ where: { userId }, data: { timeZone } });

  it.each(["system", "local", "UTC+5", "GMT-3", "utc+05:00", "EST5EDT", "CET", "Mars/Olympus", "europe/berlin", "+05:00"])("settings refuse %j, saying what a zone name looks like", async (zone) => {
    await storeZone("Europe/Berlin");
    const reply = await call<{ error: { field?: string; message: string } }>("PUT", "/api/settings", { timeZone: zone });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ field: "timeZone", message: `Time zone must be a zone name such as Europe/Berlin (got ${JSON.stringify(zone)}).` });
    expect((await call<{ timeZone: string }>("GET", "/api/settings")).body.timeZone).toBe("Europe/Berlin");
  });

  it.each(["Europe/Berlin", "UTC", "Etc/UTC", "Etc/GMT+5", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "America/Port-au-Prince"])("settings accept %s", async (zone) => {
    const reply = await call<{ timeZone: string }>("PUT", "/api/settings", { timeZone: zone });
    expect(reply.status).toBe(200);
    expect(reply.body.timeZone).toBe(zone);
  });

  it("accepts only names PostgreSQL knows as well (every zone Intl lists that passes the rule)", async () => {
    const known = new Set((await harness.service.services.db.$queryRaw<Array<{ name: string }>>`select name from pg_timezone_names`).map((row) => row.name));
    const accepted = [...Intl.supportedValuesOf("timeZone"), "UTC"].filter(isZoneName);
    expect(accepted.length).toBeGreaterThan(300);
    expect(accepted.filter((zone) => !known.has(zone))).toEqual([]);
  });

  /**
   * A zone luxon (Node's ICU data) knows and PostgreSQL's tzdata does not: "US/Pacific-New"
   * left tzdata in 2020 and is still in ICU. PostgreSQL refuses every query in it.
   */
  const ICU_ONLY = "US/Pacific-New";
  it("the ICU-only zone is one luxon takes and PostgreSQL refuses (the premise of the tests below)", async () => {
    const known = await harness.service.services.db.$queryRaw<Array<{ name: string }>>`select name from pg_timezone_names where name = ${ICU_ONLY}`;
    expect(known).toEqual([]);
    expect(IANAZone.isValidZone(ICU_ONLY)).toBe(true);
  });

  it("settings refuse a zone luxon knows but PostgreSQL does not", async () => {
    await storeZone("Europe/Berlin");
    const reply = await call<{ error: { field?: string; message: string } }>("PUT", "/api/settings", { timeZone: ICU_ONLY });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ field: "timeZone", message: `Time zone must be a zone name such as Europe/Berlin (got ${JSON.stringify(ICU_ONLY)}).` });
    expect((await call<{ timeZone: string }>("GET", "/api/settings")).body.timeZone).toBe("Europe/Berlin");
  });

  it("a zone PostgreSQL does not know, stored before the rule, gives the report in UTC and says why", async () => {
    await storeZone(ICU_ONLY);
    const reply = await call<{ timeZone: string; timeZoneProblem: string | null; totals: { onTime: number } }>("GET", "/api/punctuality");
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ timeZone: "UTC", totals: { onTime: 1 } });
    expect(reply.body.timeZoneProblem).toContain(`(got ${JSON.stringify(ICU_ONLY)})`);
  });

  it("sandbox sign-in refuses a zone PostgreSQL does not know", async () => {
    const response = await fetch(`${harness.baseUrl}/auth/sandbox`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": `198.18.9.${client++ & 255}` }, body: JSON.stringify({ timeZone: ICU_ONLY }), redirect: "manual" });
    expect(response.status).toBe(400);
  });

  it("neither a browser cookie nor a calendar with a zone PostgreSQL does not know sets the user's zone", async () => {
    harness.emulator.control.addUser({ provider: "google", email: "icu-only@example.com", name: "Icu", timeZone: ICU_ONLY });
    harness.emulator.control.setNextLogin("google", "icu-only@example.com");
    const browser = new CookieClient(harness.baseUrl);
    browser.setCookie("mg_browser_zone", encodeURIComponent(ICU_ONLY));
    const { hops } = await browser.follow("/auth/google");
    expect(hops.at(-1)).toBe(`${harness.baseUrl}/?connected=google`);
    expect((await browser.json<{ timeZone: string }>("/api/settings")).body.timeZone).toBe("UTC");
  });

  it.each([
    ["system", "the report answered 500"],
    ["local", "the report answered 500"],
    ["UTC+5", "PostgreSQL read it as UTC-5"],
  ])("a zone stored before the rule (%j: %s) gives the report in UTC and says why", async (zone) => {
    await storeZone(zone);
    const reply = await call<{ timeZone: string; timeZoneProblem: string | null; hours: Array<{ hour: number; meetings: number }>; totals: { onTime: number } }>("GET", "/api/punctuality");
    expect(reply.status).toBe(200);
    expect(reply.body.timeZone).toBe("UTC");
    expect(reply.body.timeZoneProblem).toContain(`(got ${JSON.stringify(zone)})`);
    expect(reply.body.totals.onTime).toBe(1);
    expect(reply.body.hours.find((entry) => entry.meetings > 0)?.hour).toBe(9);
    // The settings page still opens on it, so the user can choose a zone there.
    expect((await call<{ timeZone: string }>("GET", "/api/settings")).status).toBe(200);
  });

  it("a valid zone gives the report in that zone, with no problem to tell", async () => {
    await storeZone("Asia/Kolkata");
    const reply = await call<{ timeZone: string; timeZoneProblem: string | null; hours: Array<{ hour: number; meetings: number }> }>("GET", "/api/punctuality");
    expect(reply.body).toMatchObject({ timeZone: "Asia/Kolkata", timeZoneProblem: null });
    expect(reply.body.hours.find((entry) => entry.meetings > 0)?.hour).toBe(14);
  });

  it.each(["UTC+5", "system", "EST5EDT"])("sandbox sign-in refuses the browser zone %j", async (zone) => {
    const response = await fetch(`${harness.baseUrl}/auth/sandbox`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": `198.18.8.${client++ & 255}` }, body: JSON.stringify({ timeZone: zone }), redirect: "manual" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(`(got ${JSON.stringify(zone)})`);
  });

  it.each(["UTC+5", "EST5EDT", "system"])("a new user whose browser cookie says %j (and whose calendar names no zone) stays on UTC", async (zone) => {
    const email = `zoneless-${zone.replace(/\W/g, "").toLowerCase()}@example.com`;
    harness.emulator.control.addUser({ provider: "google", email, name: "Zoneless" });
    harness.emulator.control.setNextLogin("google", email);
    const browser = new CookieClient(harness.baseUrl);
    browser.setCookie("mg_browser_zone", encodeURIComponent(zone));
    const { hops } = await browser.follow("/auth/google");
    expect(hops.at(-1)).toBe(`${harness.baseUrl}/?connected=google`);
    expect((await browser.json<{ timeZone: string }>("/api/settings")).body.timeZone).toBe("UTC");
  });

  it("a calendar whose zone is not a zone name is not adopted; the browser's stands in", async () => {
    harness.emulator.control.addUser({ provider: "google", email: "posix@example.com", name: "Posix", timeZone: "EST5EDT" });
    harness.emulator.control.setNextLogin("google", "posix@example.com");
    const browser = new CookieClient(harness.baseUrl);
    browser.setCookie("mg_browser_zone", encodeURIComponent("America/New_York"));
    await browser.follow("/auth/google");
    expect((await browser.json<{ timeZone: string }>("/api/settings")).body.timeZone).toBe("America/New_York");
  });
});
