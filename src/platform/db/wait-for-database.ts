import pg from "pg";
import { DatabaseUnavailableError, errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";
import { redactUrl } from "../logger.js";

/**
 * Waits until the database answers, retrying with a growing pause, for at most
 * `waitSeconds`. A database that is still starting (or restarting) is normal; one that
 * never answers ends start-up with a message saying where we looked.
 */
export async function waitForDatabase(databaseUrl: string, waitSeconds: number, log: Logger): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  let attempt = 0;
  for (;;) {
    attempt += 1;
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query("select 1");
      if (attempt > 1) log.info({ attempt }, "database reachable");
      return;
    } catch (error) {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) {
        throw new DatabaseUnavailableError(
          `The database at ${redactUrl(databaseUrl)} did not answer within ${waitSeconds} s (${errorMessage(error)}); check DATABASE_URL and that PostgreSQL is running`,
          error,
        );
      }
      const pauseMs = Math.min(500 * 2 ** (attempt - 1), 5000, remainingMs);
      log.warn({ attempt, retryInMs: pauseMs, reason: errorMessage(error), database: redactUrl(databaseUrl) }, "database not reachable yet, retrying");
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
