import pg from "pg";
import { errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";
import { pendingMigrations } from "./migrate.js";

export interface Readiness {
  status: "ready" | "not_ready";
  checks: { database: "ok" | "unreachable"; migrations: "ok" | "pending" | "unknown" };
  pendingMigrations?: string[];
}

/**
 * Answers /readyz: the database answers and every migration is applied. It has its own
 * tiny pool with short time-outs, so a database that is down gives a quick 503 rather
 * than requests queueing behind the application's pool.
 */
export class ReadinessProbe {
  private readonly pool: pg.Pool;
  private lastState: Readiness["status"] | undefined;

  constructor(databaseUrl: string, private readonly log: Logger) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 2000, idleTimeoutMillis: 10_000 });
    // An idle client losing its server must not crash the process.
    this.pool.on("error", (error) => this.log.debug({ reason: errorMessage(error) }, "readiness pool client lost"));
  }

  async check(): Promise<Readiness> {
    let result: Readiness;
    try {
      const pending = await pendingMigrations(this.pool);
      result = pending.length === 0
        ? { status: "ready", checks: { database: "ok", migrations: "ok" } }
        : { status: "not_ready", checks: { database: "ok", migrations: "pending" }, pendingMigrations: pending };
    } catch (error) {
      result = { status: "not_ready", checks: { database: "unreachable", migrations: "unknown" } };
      if (this.lastState !== "not_ready") this.log.warn({ reason: errorMessage(error) }, "database unreachable; /readyz answers 503");
    }
    if (result.status === "ready" && this.lastState === "not_ready") this.log.info("database reachable again; /readyz answers 200");
    this.lastState = result.status;
    return result;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
