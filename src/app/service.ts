import { startSchedule, type Schedule } from "../../jobs/schedule.js";
import { openDatabase } from "../platform/index.js";
import { ReadinessProbe } from "../platform/index.js";
import { systemClock, type Clock } from "../platform/index.js";
import type { Config } from "../platform/index.js";
import { cookieSecretsFrom } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import { ensurePortFree } from "../platform/index.js";
import { readVersion } from "../platform/index.js";
import { createServices, type Services } from "./services.js";
import { requestSync } from "../calendars/index.js";
import { requestPushMaintenance } from "../calendars/index.js";
import { TaskRunner } from "../tasks/index.js";
import { AlertStream } from "../alerts/index.js";
import { buildApp, type App } from "../web/index.js";
import { jobs, withJobTaskHandlers } from "../../jobs/registry.js";
import { NotificationListener } from "../platform/index.js";
import { loadDatabaseZones } from "../platform/index.js";

export interface RunningService {
  app: App;
  /** the address the service listens on */
  url: string;
  services: Services;
  /**
   * Graceful stop: stop the schedule and the task runner (running tasks finish or are
   * released), stop accepting requests and finish those in flight, close the pools, stop
   * the embedded database.
   */
  close(): Promise<void>;
}

/** The composition root: opens the database, builds every part and starts listening. */
export async function startService(config: Config, log: Logger, clock: Clock = systemClock): Promise<RunningService> {
  await ensurePortFree(config.port, config.host);
  const database = await openDatabase(config, log);
  const services = createServices(config, database, clock, log);
  const readiness = new ReadinessProbe(database.url, log.child({ component: "readiness" }));
  const shutdown = new AbortController();
  // One LISTEN connection for the process: the task runner and the alert stream share it.
  const notifications = new NotificationListener(database.url, log.child({ component: "notifications" }));
  const jobContext = withJobTaskHandlers({ ...services, log: log.child({ component: "jobs" }), signal: shutdown.signal });
  const runner = new TaskRunner({
    db: services.db,
    databaseUrl: database.url,
    handlers: [...services.taskHandlers, ...(jobContext.jobTaskHandlers ?? [])],
    listener: notifications,
    clock,
    log: log.child({ component: "tasks" }),
    concurrency: config.workers,
    metrics: services.metrics,
  });
  const alertStream = new AlertStream(notifications);
  let schedule: Schedule | undefined;
  let app: App | undefined;

  const close = async () => {
    shutdown.abort();
    await schedule?.stop();
    await runner.stop();
    await app?.close();
    await Promise.allSettled([services.close(), readiness.close(), alertStream.close(), notifications.close()]);
    await database.stop();
  };

  try {
    // Before any zone can come in: every door checks zones against what PostgreSQL knows.
    await loadDatabaseZones(services.db);
    app = await buildApp({
      config,
      log,
      readiness,
      version: await readVersion(),
      cookieSecrets: cookieSecretsFrom(database.tokenKeys),
      sessions: services.sessions,
      connectFlow: services.connectFlow,
      connections: services.connections,
      meetings: services.meetings,
      pushInbox: services.pushInbox,
      zoom: services.zoom,
      zoomInbox: services.zoomInbox,
      services,
      alertStream,
      metrics: services.metrics,
      requestSync: async (connectionId) => {
        const now = clock.now();
        await services.db.$transaction(async (tx) => {
          await requestSync(tx, connectionId, `connected:${now.toISOString()}`, now);
          // Due a little later: the first sync stores the calendars the channels are opened for.
          await requestPushMaintenance(tx, connectionId, `connected:${now.toISOString()}`, new Date(now.getTime() + 30_000));
        });
      },
    });
    await alertStream.start();
    // Fastify announces "Server listening at http://127.0.0.1:…" at info: not the address to open
    // (a browser there gets another site's cookies). The caller announces PUBLIC_URL instead.
    const level = app.log.level;
    app.log.level = "warn";
    try {
      await app.listen({ port: config.port, host: config.host });
    } finally {
      app.log.level = level;
    }
    if (config.workers > 0) await runner.start();
    if (config.cron) schedule = startSchedule(Object.values(jobs), jobContext);
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    return { app, url: `http://localhost:${port}`, services, close };
  } catch (error) {
    await close();
    throw error;
  }
}
