import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/child-process.js";
import { connectAs } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";

const PUBLIC = path.join(repoRoot, "src/web/public");

/** Every API path the dashboard's modules call, with `{}` for each path parameter. */
async function pathsTheDashboardCalls(): Promise<Set<string>> {
  const files = (await readdir(PUBLIC, { recursive: true })).filter((file) => file.endsWith(".js"));
  const found = new Set<string>();
  for (const file of files) {
    const source = await readFile(path.join(PUBLIC, file), "utf8");
    for (const [, literal] of source.matchAll(/[`"]((?:\/api|\/auth)\/[^`"\s]*)[`"]/g)) {
      const normalised = literal!
        .replace(/\/\$\{[^}]*\}/g, "/{}") // a whole path segment
        .replace(/\$\{[^}]*\}/g, "") // a query string built on the fly
        .split("?")[0]!;
      // "/auth/" + provider: the documented /auth/google and /auth/microsoft links.
      if (normalised !== "/auth/") found.add(normalised);
    }
  }
  return found;
}

describe("the dashboard page and what it relies on", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("serves the page with a strict CSP: no inline script but the import map, allowed by its exact hash", async () => {
    const reply = await fetch(harness.baseUrl + "/");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await reply.text();
    const csp = reply.headers.get("content-security-policy")!;
    const scriptSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src "))!;
    expect(scriptSrc).not.toContain("unsafe-inline");
    expect(scriptSrc).not.toContain("unsafe-eval");
    const inline = [...page.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline).toHaveLength(1);
    expect(scriptSrc).toContain(`'sha256-${createHash("sha256").update(inline[0]!).digest("base64")}'`);
    expect(csp).toContain("script-src-attr 'none'");
  });

  it("serves its modules and the vendored Preact and htm builds as JavaScript, and nothing else from node_modules", async () => {
    for (const asset of ["/app/main.js", "/app/pages/today.js", "/vendor/preact/preact.mjs", "/vendor/preact-hooks/hooks.mjs", "/vendor/htm/htm.module.js"]) {
      const reply = await fetch(harness.baseUrl + asset);
      expect(reply.status, asset).toBe(200);
      expect(reply.headers.get("content-type"), asset).toMatch(/javascript/);
    }
    expect((await fetch(harness.baseUrl + "/app/dashboard.css")).headers.get("content-type")).toMatch(/^text\/css/);
    for (const outside of ["/vendor/preact/../package.json", "/vendor/htm/htm.js.map", "/vendor/preact/preact.mjs.map", "/app/../routes/dashboard.ts"]) {
      expect((await fetch(harness.baseUrl + outside)).status, outside).toBe(404);
    }
  });

  it("every API route the dashboard calls is in the OpenAPI document", async () => {
    const document = (await (await fetch(harness.baseUrl + "/docs/json")).json()) as { paths: Record<string, unknown> };
    const documented = new Set(Object.keys(document.paths).map((p) => p.replace(/\{[^}]+\}/g, "{}")));
    // The page and its files are not API routes.
    expect(Object.keys(document.paths).filter((p) => p === "/" || p.startsWith("/app") || p.startsWith("/vendor"))).toEqual([]);
    const called = await pathsTheDashboardCalls();
    expect(called.size).toBeGreaterThan(15);
    // Built in parallel with the sandbox (GET /auth/providers, POST /auth/sandbox, GET /api/outbox):
    // the dashboard copes with their absence.
    const inParallel = new Set(["/auth/providers", "/auth/sandbox", "/api/outbox"]);
    const missing = [...called].filter((p) => !documented.has(p) && !inParallel.has(p));
    expect(missing).toEqual([]);
    for (const required of ["/api/me", "/api/punctuality", "/api/meetings/{}/confirm", "/api/meetings/{}/running-late", "/api/drafts/{}/approve", "/api/settings", "/api/alerts/stream", "/auth/sign-out"]) {
      expect(called.has(required), required).toBe(true);
      expect(documented.has(required), required).toBe(true);
    }
  });

  it("GET /api/me answers 401 without a session and describes the signed-in user with one", async () => {
    const anonymous = await fetch(harness.baseUrl + "/api/me");
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");

    harness.emulator.control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    const browser = await connectAs(harness, "google", "ann@example.com");
    const me = await browser.json<Record<string, unknown>>("/api/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: "ann@example.com", name: "Ann Lee", timeZone: "UTC", sandbox: false, connections: 1 });
    expect(typeof me.body["now"]).toBe("string");
    const punctuality = await browser.json<{ weeks: unknown[]; totals: Record<string, number> }>("/api/punctuality");
    expect(punctuality.status).toBe(200);
    expect(punctuality.body.weeks).toHaveLength(12);
    expect(punctuality.body.totals).toEqual({ onTime: 0, late: 0, missed: 0 });
    expect((await fetch(harness.baseUrl + "/api/punctuality")).status).toBe(401);
  });
});
