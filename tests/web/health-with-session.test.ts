import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.js";
import { startService, type RunningService } from "../../src/app/service.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";
import { seedUserWithMeetings } from "../support/seed.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";

const KEY = Buffer.alloc(32, 9).toString("base64");

/**
 * A signed-in browser tab (or a probe sent through the same proxy as the dashboard) carries the
 * session cookie to /healthz and /readyz. During a database outage the session lookup failed
 * and /readyz answered 500: the probes must not need the session at all.
 */
describe("health and readiness with a session cookie while the database is away", () => {
  let service: RunningService;
  let proxy: TcpProxy;
  let dropDatabase: () => Promise<void>;
  let cookie: string;

  beforeAll(async () => {
    const database = await createTestDatabase();
    dropDatabase = database.drop;
    const target = new URL(database.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    target.port = String(proxy.port);
    const config = loadConfig({ DATABASE_URL: target.toString(), TOKEN_ENCRYPTION_KEY: KEY, PORT: "0", CRON: "false", WORKERS: "0", DATABASE_WAIT_SECONDS: "5" });
    service = await startService(config, capturedLogger("warn").log);
    const { userId } = await seedUserWithMeetings(service.services.db, { meetings: [] });
    const { token } = await service.services.sessions.create(userId);
    cookie = `mg_session=${service.app.signCookie(token)}`;
  });

  afterAll(async () => {
    proxy?.restore();
    await service?.close();
    await proxy?.close();
    await dropDatabase?.();
  });

  it("answers /readyz 503 not_ready and /healthz 200, as without the cookie", async () => {
    expect((await fetch(`${service.url}/readyz`, { headers: { cookie } })).status).toBe(200);
    proxy.cut();
    try {
      const ready = await fetch(`${service.url}/readyz`, { headers: { cookie } });
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: "not_ready", checks: { database: "unreachable" } });
      const health = await fetch(`${service.url}/healthz`, { headers: { cookie } });
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
    } finally {
      proxy.restore();
    }
  });
});
