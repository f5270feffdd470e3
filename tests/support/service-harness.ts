import { loadConfig } from "../../src/platform/config.js";
import type { Clock } from "../../src/platform/clock.js";
import { startService, type RunningService } from "../../src/app/service.js";
import { startEmulator, type Emulator } from "../emulator/server.js";
import { freePort } from "./child-process.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { capturedLogger } from "./log-capture.js";

export const TEST_KEY = Buffer.alloc(32, 11).toString("base64");

export interface Harness {
  service: RunningService;
  emulator: Emulator;
  logs: ReturnType<typeof capturedLogger>;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The service as it runs for real (own database, task runner, HTTP) with both providers
 * pointed at a fresh emulator. `env` overrides configuration. `database` replaces the clone of
 * the test run's template (outside vitest, e.g. a benchmark, which has no template to clone);
 * the harness drops it on close either way. `logLevel` "warn" keeps a long run's captured log small.
 */
type HarnessOptions = { env?: Record<string, string>; clock?: Clock; emulatorNow?: () => number; database?: TestDatabase; logLevel?: "debug" | "info" | "warn" };

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = options.database ?? (await createTestDatabase());
  // A free port can be taken (by another test file, or as an outgoing connection's ephemeral
  // port) between choosing it and binding it: choose again rather than fail the suite.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOn(await freePort(), database, options);
    } catch (error) {
      if (attempt >= 5 || !(error instanceof Error) || !("code" in error) || error.code !== "EADDRINUSE") {
        await database.drop();
        throw error;
      }
    }
  }
}

async function startOn(port: number, database: TestDatabase, options: HarnessOptions): Promise<Harness> {
  const baseUrl = `http://localhost:${port}`;
  const publicUrl = options.env?.["PUBLIC_URL"] ?? baseUrl;
  const emulator = await startEmulator({
    google: { redirectUris: [`${publicUrl}/auth/google/callback`] },
    microsoft: { redirectUris: [`${publicUrl}/auth/microsoft/callback`] },
    ...(options.emulatorNow ? { now: options.emulatorNow } : {}),
  });
  const logs = capturedLogger(options.logLevel ?? "debug");
  const config = loadConfig({
    ...emulator.env,
    DATABASE_URL: database.url,
    TOKEN_ENCRYPTION_KEY: TEST_KEY,
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    CRON: "false",
    WORKERS: "2",
    ...options.env,
  });
  let service: RunningService;
  try {
    service = await startService(config, logs.log, options.clock);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return {
    service,
    emulator,
    logs,
    baseUrl,
    async close() {
      await service.close();
      await emulator.close();
      await database.drop();
    },
  };
}
