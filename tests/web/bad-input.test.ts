import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUserWithMeetings } from "../support/seed.js";
import { startHarness, type Harness } from "../support/service-harness.js";

/**
 * No 500 a browser can reach: every route in the app's own route table, tried signed in with
 * malformed addresses, query strings and bodies, answers 4xx (or what it answers anyway) and,
 * when it refuses, the standard `{ error: { code, message } }` in words, never a stack or a
 * schema library's phrasing.
 */
interface Tried {
  label: string;
  status: number;
  contentType: string;
  text: string;
}

const DEVELOPER_WORDS = /FST_ERR|Invalid input|Too small|Too big|expected (int|number|string)|received (number|string|undefined)|\bat .*\.ts:\d+/;
const MINUTE = 60_000;
/** Routes that render HTML for a person (OAuth callbacks, check-in links, the outbox preview). */
const HUMAN_PAGES = /: (GET|POST) \/(auth\/(google|microsoft)\/callback|auth\/zoom|check-in\/|alert-action\/|outbox)/;

describe("bad input on every route", () => {
  let harness: Harness;
  let cookie: string;
  let validToken: string;
  let client = 0;

  beforeAll(async () => {
    harness = await startHarness();
    const now = Date.now();
    const { userId, meetingIds } = await seedUserWithMeetings(harness.service.services.db, {
      meetings: [{ title: "Design review", start: new Date(now - 10 * MINUTE), end: new Date(now + 30 * MINUTE) }],
    });
    const { token } = await harness.service.services.sessions.create(userId);
    cookie = `mg_session=${harness.service.app.signCookie(token)}`;
    const link = harness.service.services.checkIns.url(meetingIds[0]!, userId, new Date(now + 60 * MINUTE));
    validToken = decodeURIComponent(new URL(link).pathname.split("/").pop()!);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  async function attempt(label: string, method: string, path: string, body?: { text: string; type?: string }): Promise<Tried> {
    // Each attempt comes from its own address, so the routes' rate limits never answer for them.
    client += 1;
    const headers: Record<string, string> = { cookie, origin: harness.baseUrl, accept: "application/json", "x-forwarded-for": `198.18.${client >> 8}.${client & 255}` };
    if (body?.type) headers["content-type"] = body.type;
    const response = await fetch(`${harness.baseUrl}${path}`, { method, headers, body: body?.text, redirect: "manual" });
    return { label: `${label}: ${method} ${path.length > 80 ? `${path.slice(0, 80)}…` : path} ${body ? JSON.stringify(body.text).slice(0, 40) : ""}`, status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
  }

  function expectWellRefused(tried: Tried): void {
    expect(tried.status, tried.label).toBeLessThan(500);
    if (tried.status < 400) return;
    // Pages people land on from a provider or an email link answer the failures they expect with
    // a page in words; what they do not expect (a malformed request) gets the JSON error below.
    if (HUMAN_PAGES.test(tried.label) && tried.contentType.startsWith("text/html")) {
      expect(tried.text, tried.label).toMatch(/<h1>[^<]+<\/h1>/);
      return;
    }
    expect(tried.contentType, tried.label).toMatch(/^application\/json/);
    const parsed = JSON.parse(tried.text) as { error?: { code?: unknown; message?: unknown } };
    expect(parsed.error, tried.label).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(String(parsed.error!.message), tried.label).not.toMatch(DEVELOPER_WORDS);
  }

  it("the cases the issue names answer 4xx with the error body", async () => {
    const cases = [
      await attempt("duplicated OAuth code", "GET", "/auth/google/callback?code=1&code=2"),
      await attempt("duplicated OAuth code", "GET", "/auth/microsoft/callback?code=1&code=2&state=a&state=b"),
      await attempt("short check-in token", "GET", "/check-in/123"),
      await attempt("garbage check-in token", "GET", "/check-in/garbage"),
      await attempt("empty JSON body", "POST", `/check-in/${encodeURIComponent(validToken)}`, { text: "", type: "application/json" }),
      await attempt("year zero", "GET", "/api/meetings?from=0000-01-01"),
      await attempt("year zero with a time", "GET", "/api/meetings?from=0000-01-01T00:00:00Z"),
      await attempt("NUL in a query", "GET", "/api/meetings?watched=%00"),
      await attempt("NUL in a setting", "PUT", "/api/settings", { text: JSON.stringify({ timeZone: "Europe/\u0000Berlin" }), type: "application/json" }),
    ];
    for (const tried of cases) {
      expectWellRefused(tried);
      expect(tried.status, tried.label).toBeGreaterThanOrEqual(400);
    }
    const nul = JSON.parse(cases.at(-1)!.text) as { error: { field?: string; message: string } };
    expect(nul.error).toMatchObject({ field: "timeZone", message: expect.stringMatching(/^Time zone contains an invisible NUL character/) });
    const shortToken = JSON.parse(cases[2]!.text) as { error: { code: string } };
    expect(shortToken.error.code).toBe("validation_failed");
    // A person who opens the same cut-short link in a browser gets the page for a bad link.
    const opened = await fetch(`${harness.baseUrl}/check-in/123`, { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(opened.status).toBe(400);
    expect(opened.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await opened.text()).toContain("<h1>This check-in link is not valid.</h1>");
  });

  it("every route, with malformed ids, query strings and bodies, answers below 500 with the standard error body", async () => {
    const routes = harness.service.app.routeTable.filter((route) => route.url !== "/api/alerts/stream");
    expect(routes.length).toBeGreaterThan(30);
    const tried: Tried[] = [];
    for (const route of routes) {
      const paths = [
        route.url.replace(/:(\w+)/g, "x").replace("*", "x"),
        route.url.replace(/:(\w+)/g, "%00" + "a".repeat(12)).replace("*", "%00"),
        route.url.replace(/:(\w+)/g, "a".repeat(2000)).replace("*", "a".repeat(2000)),
      ];
      for (const path of paths) {
        const query = "?from=0000-01-01&to=%00&limit=-1&code=1&code=2&state=%00&validationToken=%00";
        if (route.method === "GET") {
          tried.push(await attempt("query", "GET", `${path}${query}`));
          tried.push(await attempt("plain", "GET", path));
          continue;
        }
        for (const body of [
          undefined,
          { text: "", type: "application/json" },
          { text: "{", type: "application/json" },
          { text: "[]", type: "application/json" },
          { text: "null", type: "application/json" },
          { text: JSON.stringify("\u0000"), type: "application/json" },
          { text: JSON.stringify({ minutes: -1, missed: "\u0000", subject: 1, body: "\u0000", phone: "\u0000", timeZone: "\u0000" }), type: "application/json" },
          { text: "a=%00&b=1&b=2", type: "application/x-www-form-urlencoded" },
          { text: "\u0000", type: "text/plain" },
        ]) {
          tried.push(await attempt("body", route.method, path, body));
        }
      }
    }
    const failures = tried.filter((t) => t.status >= 500);
    expect(failures.map((t) => `${t.label} → ${t.status} ${t.text.slice(0, 120)}`)).toEqual([]);
    for (const t of tried) expectWellRefused(t);
  }, 240_000);
});
