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
import { createProviderFactory } from "./calendars/providers.js";
import { ConnectFlow } from "./connections/connect-flow.js";
import { ConnectionService } from "./connections/connection-service.js";
import { SessionStore } from "./identity/session-store.js";
import { MeetingQueries } from "./meetings/meeting-queries.js";
import { cookieSecretsFrom } from "./platform/cookie-secrets.js";
import { errorMessage } from "./platform/errors.js";
import { TokenSealer } from "./platform/token-sealer.js";
import { syncConnection } from "./sync/sync-connection.js";

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
    const sealer = new TokenSealer(database.tokenKeys);
    const providers = createProviderFactory(config, { clock, log });
    const connections = new ConnectionService({ db, providers, sealer, clock, log });
    const connectFlow = new ConnectFlow({
      db,
      clock,
      sealer,
      providers: { google: providers.oauth("google"), microsoft: providers.oauth("microsoft") },
      publicUrl: config.publicUrl,
      log,
    });
    const syncDeps = { db, providers, locks, clock, log: log.child({ component: "sync" }), window: config.syncWindow, tokensFor: (c: { id: string; provider: "google" | "microsoft" | "sandbox" }) => connections.tokensFor(c) };
    app = await buildApp({
      config,
      log,
      readiness,
      version: await readVersion(),
      cookieSecrets: cookieSecretsFrom(database.tokenKeys),
      sessions: new SessionStore(db, clock),
      connectFlow,
      connections,
      meetings: new MeetingQueries({ db, clock }),
      requestSync: async (connectionId) => {
        void syncConnection(connectionId, syncDeps).catch((error: unknown) => log.error({ connectionId, reason: errorMessage(error) }, "sync failed"));
      },
    });
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
