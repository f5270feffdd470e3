import { jobs } from "../jobs/registry.js";
import { startSchedule, type Schedule } from "../jobs/schedule.js";
import { AdvisoryLocks } from "./db/advisory-lock.js";
import { createPrismaClient, type Database } from "./db/client.js";
import { openDatabase } from "./db/open-database.js";
import { ReadinessProbe } from "./db/readiness.js";
import { systemClock, type Clock } from "./platform/clock.js";
import type { Config } from "./platform/config.js";
import type { Logger } from "./platform/logger.js";
import { buildApp, type App } from "./web/app.js";
import { readVersion } from "./platform/version.js";

export interface RunningService {
  app: App;
  /** the address the service listens on */
  url: string;
  db: Database;
  /**
   * Graceful stop: stop accepting requests and finish those in flight, stop the schedule and
   * wait for running jobs, close the pools, stop the embedded database.
   */
  close(): Promise<void>;
}

/** The composition root: opens the database, builds every part and starts listening. */
export async function startService(config: Config, log: Logger, clock: Clock = systemClock): Promise<RunningService> {
  const database = await openDatabase(config, log);
  const db = createPrismaClient(database.url);
  const readiness = new ReadinessProbe(database.url, log.child({ component: "readiness" }));
  const locks = new AdvisoryLocks(database.url);
  const shutdown = new AbortController();
  let schedule: Schedule | undefined;
  let app: App | undefined;

  const close = async () => {
    shutdown.abort();
    await schedule?.stop();
    await app?.close();
    await Promise.allSettled([db.$disconnect(), readiness.close(), locks.close()]);
    await database.stop();
  };

  try {
    app = await buildApp({ config, log, readiness, version: await readVersion() });
    await app.listen({ port: config.port, host: config.host });
    if (config.cron) {
      schedule = startSchedule(Object.values(jobs), { db, config, log: log.child({ component: "jobs" }), clock, signal: shutdown.signal }, locks);
    }
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    return { app, url: `http://localhost:${port}`, db, close };
  } catch (error) {
    await close();
    throw error;
  }
}
