import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USER_DONE_STEPS } from "../../src/recovery/case-service.js";
import { seedUserWithMeetings } from "../support/seed.js";
import { connectAs } from "../support/connect.js";
import { CookieClient } from "../support/cookie-client.js";
import { startHarness, type Harness } from "../support/service-harness.js";

/** Routes reached without a session, each of which must have its own rate limit. */
const UNAUTHENTICATED_PREFIXES = ["/auth/", "/check-in/", "/webhooks/"];

/** A request each rate-limited route answers cheaply (no provider, nothing stored). */
function cheapRequest(method: string, url: string): { path: string; init: RequestInit } {
  const path = url.replace(":token", "not-a-valid-check-in-token");
  if (url === "/webhooks/microsoft") return { path: `${path}?validationToken=hello`, init: { method } };
  if (url.endsWith("/callback")) return { path: `${path}?error=access_denied`, init: { method } };
  return { path, init: { method } };
}

describe("HTTP hardening", () => {
  let harness: Harness;
  let ann: CookieClient;
  const routes = () => harness.service.app.routeTable.filter((route) => route.method !== "HEAD");

  beforeAll(async () => {
    harness = await startHarness();
    harness.emulator.control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    ann = await connectAs(harness, "google", "ann@example.com");
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  describe("rate limits", () => {
    it("every /auth, check-in and webhook route has one", () => {
      const open = routes().filter((route) => UNAUTHENTICATED_PREFIXES.some((prefix) => route.url.startsWith(prefix)));
      expect(open.length).toBeGreaterThanOrEqual(8);
      expect(open.filter((route) => !route.rateLimit).map((route) => `${route.method} ${route.url}`)).toEqual([]);
    });

    it("answers 429 with Retry-After once a client goes over it, per route and per client", async () => {
      const limited = routes().filter((route) => route.rateLimit && UNAUTHENTICATED_PREFIXES.some((prefix) => route.url.startsWith(prefix)));
      let client = 1;
      for (const route of limited) {
        // Each route gets its own client address (X-Forwarded-For is trusted from loopback proxies).
        const address = `198.51.100.${client++}`;
        const { path, init } = cheapRequest(route.method, route.url);
        const send = () => fetch(`${harness.baseUrl}${path}`, { ...init, redirect: "manual", headers: { "x-forwarded-for": address } });
        const statuses: number[] = [];
        for (let i = 0; i < route.rateLimit!.max; i += 1) statuses.push((await send()).status);
        expect(statuses.filter((status) => status === 429), `${route.method} ${route.url} within its limit`).toEqual([]);
        const over = await send();
        expect(over.status, `${route.method} ${route.url} over its limit`).toBe(429);
        expect(Number(over.headers.get("retry-after")), `${route.method} ${route.url} Retry-After`).toBeGreaterThan(0);
        expect(await over.json()).toMatchObject({ error: { message: expect.stringMatching(/rate limit|retry/i) } });
        // Another client is not affected.
        const other = await fetch(`${harness.baseUrl}${path}`, { ...init, redirect: "manual", headers: { "x-forwarded-for": `203.0.113.${client}` } });
        expect(other.status, `${route.method} ${route.url} for another client`).not.toBe(429);
      }
    }, 60_000);
  });

  describe("security headers", () => {
    it.each([
      ["an API answer", "/api/meetings"],
      ["an API error", "/api/nope"],
      ["the health check", "/healthz"],
      ["an HTML page (check-in)", "/check-in/not-a-valid-check-in-token"],
      ["an HTML page (OAuth problem)", "/auth/google/callback?error=access_denied"],
      ["the API document", "/docs/json"],
    ])("on %s", async (_label, path) => {
      const response = await ann.fetch(path);
      const headers = response.headers;
      expect(headers.get("content-security-policy")).toMatch(/default-src 'self'/);
      expect(headers.get("content-security-policy")).toMatch(/frame-ancestors 'self'/);
      expect(headers.get("x-content-type-options")).toBe("nosniff");
      expect(headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(headers.get("referrer-policy")).toBe("same-origin");
      expect(headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(headers.get("x-powered-by")).toBeNull();
      // HSTS only when PUBLIC_URL is https (a browser would otherwise pin plain-http localhost).
      expect(headers.get("strict-transport-security")).toBeNull();
    });

    it("the OAuth nonce and session cookies are HttpOnly, SameSite=Lax and signed", async () => {
      harness.emulator.control.setNextLogin("google", "ann@example.com");
      const browser = new CookieClient(harness.baseUrl);
      const set: string[] = [];
      let next = `${harness.baseUrl}/auth/google`;
      for (let hop = 0; hop < 10; hop += 1) {
        const response = await browser.fetch(next);
        if (new URL(next).origin === harness.baseUrl) set.push(...response.headers.getSetCookie());
        const location = response.headers.get("location");
        if (response.status < 300 || response.status >= 400 || !location) break;
        next = new URL(location, next).toString();
      }
      for (const name of ["mg_oauth", "mg_session"]) {
        const line = set.find((l) => l.startsWith(`${name}=`) && !/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(l));
        expect(line, name).toBeDefined();
        expect(line, name).toMatch(/; HttpOnly/i);
        expect(line, name).toMatch(/; SameSite=Lax/i);
        // @fastify/cookie signs as value.signature
        expect(line!.split(";")[0]!.split("=")[1], name).toMatch(/^[^.]+\..+$/);
      }
    });
  });

  describe("request bodies", () => {
    it("refuses a body over the limit with 413", async () => {
      const huge = JSON.stringify({ timeZone: "x".repeat(300 * 1024) });
      const response = await ann.json<{ error: { code: string; message: string } }>("/api/settings", { method: "PUT", body: huge });
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe("ctp_body_too_large");
    });

    it("refuses malformed JSON with 400 saying so", async () => {
      const response = await ann.json<{ error: { code: string; message: string } }>("/api/settings", { method: "PUT", body: '{"lateGraceMinutes": ' });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(/JSON/);
    });

    it("refuses wrong types with 400 naming the field, in words and by name", async () => {
      const response = await ann.json<{ error: { code: string; message: string; field?: string; issues?: { field: string; message: string }[] } }>("/api/settings", {
        method: "PUT",
        body: JSON.stringify({ lateGraceMinutes: "ten", autoSendLateNotice: "yes" }),
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("validation_failed");
      expect(response.body.error.field).toBe("lateGraceMinutes");
      expect(response.body.error.issues?.map((issue) => issue.field)).toEqual(["lateGraceMinutes", "autoSendLateNotice"]);
      expect(response.body.error.message).toContain("Grace minutes must be a whole number from 0 to 60.");
      expect(response.body.error.message).toContain("Send late notices at once must be true or false.");
    });

    it("refuses unknown fields, nested ones too, naming them", async () => {
      const response = await ann.json<{ error: { message: string } }>("/api/settings", {
        method: "PUT",
        body: JSON.stringify({ workingHours: { days: [1, 2], start: "09:00", end: "17:00", lunch: "12:00" } }),
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ field: "workingHours", message: expect.stringContaining("lunch") });
    });

    it("every route with a JSON body refuses an unknown field with 400 naming it", async () => {
      const withBody = routes().filter((route) => route.hasBody);
      expect(withBody.length).toBeGreaterThanOrEqual(10);
      // Graph's notifications carry fields we do not model; the route keeps them (for the redelivery fingerprint).
      // Zoom's are checked against their signature before anything is parsed (401 first), and Zoom adds fields freely.
      const exempt = new Set(["POST /webhooks/microsoft", "POST /webhooks/zoom"]);
      for (const route of withBody.filter((r) => !exempt.has(`${r.method} ${r.url}`))) {
        const path = route.url.replace(":id", randomUUID()).replace(":kind", USER_DONE_STEPS[0]);
        const response = await ann.json<{ error: { code: string; message: string } }>(path, { method: route.method, body: JSON.stringify({ sneakyExtraField: true }) });
        expect(response.status, `${route.method} ${route.url}`).toBe(400);
        expect(response.body.error.message, `${route.method} ${route.url}`).toContain("sneakyExtraField");
      }
    });
  });
});

describe("behind https (PUBLIC_URL is https)", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ env: { PUBLIC_URL: "https://makegood.example" } });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("sends HSTS and upgrade-insecure-requests, and marks cookies Secure", async () => {
    const health = await fetch(`${harness.baseUrl}/healthz`);
    expect(health.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
    expect(health.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    const begin = await fetch(`${harness.baseUrl}/auth/google`, { redirect: "manual" });
    expect(begin.status).toBe(302);
    const nonce = begin.headers.getSetCookie().find((line) => line.startsWith("mg_oauth="));
    expect(nonce).toMatch(/; Secure/i);
  });

  it("expects state-changing requests from the https origin", async () => {
    const { userId } = await seedUserWithMeetings(harness.service.services.db, { meetings: [] });
    const { token } = await harness.service.services.sessions.create(userId);
    const cookie = `mg_session=${harness.service.app.signCookie(token)}`;
    const put = (origin: string) => fetch(`${harness.baseUrl}/api/settings`, { method: "PUT", headers: { cookie, origin, "content-type": "application/json" }, body: JSON.stringify({ lateGraceMinutes: 6 }) });
    expect((await put("http://makegood.example")).status).toBe(403);
    expect((await put("https://makegood.example")).status).toBe(200);
  });
});
