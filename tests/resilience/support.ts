import { loadConfig } from "../../src/platform/config.js";
import { startService, type RunningService } from "../../src/app/service.js";
import { SESSION_COOKIE } from "../../src/web/plugins/session.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";
import { TEST_KEY } from "../support/service-harness.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";

export interface ProxiedService {
  service: RunningService;
  /** between the service and its database: cut() is the database going away */
  proxy: TcpProxy;
  /** the database directly, for the test's own reads while the service's is cut */
  directUrl: string;
  logs: ReturnType<typeof capturedLogger>;
  /** a signed session cookie header for a user */
  sessionCookie(userId: string): Promise<string>;
  close(): Promise<void>;
}

/** The service as it runs for real, with its database reached through a TCP proxy. */
export async function startProxiedService(env: Record<string, string> = {}): Promise<ProxiedService> {
  const database = await createTestDatabase();
  const target = new URL(database.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  const proxied = new URL(database.url);
  proxied.port = String(proxy.port);
  const logs = capturedLogger();
  const config = loadConfig({ DATABASE_URL: proxied.toString(), TOKEN_ENCRYPTION_KEY: TEST_KEY, PORT: "0", HOST: "127.0.0.1", CRON: "false", WORKERS: "2", DATABASE_WAIT_SECONDS: "5", ...env });
  const service = await startService(config, logs.log);
  return {
    service,
    proxy,
    directUrl: database.url,
    logs,
    async sessionCookie(userId) {
      const { token } = await service.services.sessions.create(userId);
      return `${SESSION_COOKIE}=${service.app.signCookie(token)}`;
    },
    async close() {
      proxy.restore();
      await service.close();
      await proxy.close();
      await database.drop();
    },
  };
}
