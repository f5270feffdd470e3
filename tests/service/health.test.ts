import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.js";
import { startService, type RunningService } from "../../src/app/service.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";

const KEY = Buffer.alloc(32, 9).toString("base64");

describe("health, readiness and the API document", () => {
  let service: RunningService;
  let proxy: TcpProxy;
  let dropDatabase: () => Promise<void>;
  const logs = capturedLogger();

  beforeAll(async () => {
    const database = await createTestDatabase();
    dropDatabase = database.drop;
    const target = new URL(database.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    target.port = String(proxy.port);
    const config = loadConfig({ DATABASE_URL: target.toString(), TOKEN_ENCRYPTION_KEY: KEY, PORT: "0", CRON: "false", DATABASE_WAIT_SECONDS: "5" });
    service = await startService(config, logs.log);
  });

  afterAll(async () => {
    await service?.close();
    await proxy?.close();
    await dropDatabase?.();
  });

  it("answers /healthz and /readyz with 200 once migrated", async () => {
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { database: "ok", migrations: "ok" } });
  });

  it("answers /readyz 503 while the database is away and 200 when it is back, without a restart", async () => {
    proxy.cut();
    const down = await fetch(`${service.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: "not_ready", checks: { database: "unreachable" } });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);

    proxy.restore();
    const up = await fetch(`${service.url}/readyz`);
    expect(up.status).toBe(200);
    expect(logs.text()).toContain("database unreachable; /readyz answers 503");
    expect(logs.text()).toContain("database reachable again; /readyz answers 200");
  });

  it("serves the OpenAPI document and the Swagger UI", async () => {
    const document = (await (await fetch(`${service.url}/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/healthz", "/readyz"]));
    const ui = await fetch(`${service.url}/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("swagger");
  });

  it("answers unknown routes with the error shape", async () => {
    const reply = await fetch(`${service.url}/nope`);
    expect(reply.status).toBe(404);
    expect(await reply.json()).toEqual({ error: { code: "not_found", message: "Nothing here: GET /nope is not an address of Makegood." } });
  });

  it("lists each operation once in /docs: one tag each, so Swagger UI shows no path and method twice", async () => {
    const document = (await (await fetch(`${service.url}/docs/json`)).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const listed: string[] = [];
    const untaggedOrTwice: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if ((operation.tags ?? []).length !== 1) untaggedOrTwice.push(`${method.toUpperCase()} ${path}: ${JSON.stringify(operation.tags)}`);
        listed.push(...(operation.tags ?? []).map(() => `${method.toUpperCase()} ${path}`));
      }
    }
    expect(untaggedOrTwice).toEqual([]);
    expect(listed.filter((entry, index) => listed.indexOf(entry) !== index)).toEqual([]);
    expect(listed).toContain("POST /auth/sandbox");
  });
});
