import { createProviderFactory } from "../calendars/providers.js";
import type { ProviderFactory } from "../calendars/provider-factory.js";
import { ConnectFlow } from "../calendars/connections/connect-flow.js";
import { ConnectionService } from "../calendars/connections/connection-service.js";
import { AdvisoryLocks } from "../platform/db/advisory-lock.js";
import { createPrismaClient, type Database } from "../platform/db/client.js";
import type { OpenDatabase } from "../platform/db/open-database.js";
import { SessionStore } from "../users/identity/session-store.js";
import { MeetingQueries } from "../detection/meetings/meeting-queries.js";
import type { Clock } from "../platform/clock.js";
import type { Config } from "../platform/config.js";
import type { Logger } from "../platform/logger.js";
import { TokenSealer } from "../platform/token-sealer.js";
import type { SyncDependencies } from "../calendars/sync/sync-connection.js";
import { syncConnectionTask } from "../calendars/sync/sync-task.js";
import type { PushDependencies } from "../calendars/sync/push-channels.js";
import { PushInbox } from "../calendars/sync/push-inbox.js";
import { maintainPushTask } from "../calendars/sync/push-task.js";
import type { TaskHandler } from "../tasks/task-handler.js";
import { CheckInLinks } from "../detection/check-in-links.js";
import type { DetectionDependencies } from "../detection/detect-meetings.js";
import { detectMeetingTask, detectUserTask, fetchEvidenceTask } from "../detection/detect-task.js";
import { MeetingActions } from "../detection/meeting-actions.js";
import { sendDigestTask } from "../detection/digest.js";
import { checkPreviousCallTask } from "../detection/previous-call.js";
import { AlertQueries } from "../alerts/alert-queries.js";
import { announceAlerts } from "../alerts/alert-stream.js";
import { SettingsService } from "../users/settings/settings-service.js";
import { webhookProblemInWords } from "../users/settings/webhook-problem.js";
import { createMailer, deliverAlertTask, queueAlertDeliveriesPerSettings, resolveWebhookTarget, type Mailer } from "../alerts/delivery/index.js";
import { CaseService } from "../recovery/case-service.js";
import { recoveryTaskHandlers } from "../recovery/task-handlers.js";
import type { RecoveryDependencies } from "../recovery/recovery-deps.js";
import { DraftService } from "../recovery/drafts/draft-actions.js";
import { sendDraftTask } from "../recovery/drafts/send-draft.js";
import { OutboxMailer } from "../alerts/delivery/outbox-mailer.js";
import { OutboxQueries } from "../alerts/delivery/outbox-queries.js";
import { SandboxWorldOutbox, sandboxClientReplyTask } from "../calendars/sandbox/client-reply.js";
import { SandboxService } from "../calendars/sandbox/sandbox-service.js";
import { createMetrics, type ServiceMetrics } from "../platform/metrics.js";
import { instrumentProviders } from "../calendars/instrumented-providers.js";
import { readTaskQueue } from "../platform/db/task-queue-snapshot.js";

/**
 * The object graph of the service, built once from configuration, an open database and a
 * clock. The HTTP server, the task runner, the cron schedule and `npm run job` all use it,
 * so they behave the same.
 */
export interface Services {
  config: Config;
  clock: Clock;
  log: Logger;
  databaseUrl: string;
  db: Database;
  locks: AdvisoryLocks;
  sealer: TokenSealer;
  providers: ProviderFactory;
  connections: ConnectionService;
  connectFlow: ConnectFlow;
  sessions: SessionStore;
  meetings: MeetingQueries;
  sync: SyncDependencies;
  push: PushDependencies;
  detection: DetectionDependencies;
  checkIns: CheckInLinks;
  meetingActions: MeetingActions;
  alerts: AlertQueries;
  settings: SettingsService;
  mailer: Mailer;
  pushInbox: PushInbox;
  recovery: RecoveryDependencies;
  cases: CaseService;
  drafts: DraftService;
  outbox: OutboxQueries;
  sandbox: SandboxService;
  taskHandlers: readonly TaskHandler<unknown>[];
  metrics: ServiceMetrics;
  close(): Promise<void>;
}

export function createServices(config: Config, database: OpenDatabase, clock: Clock, log: Logger, options: { maxConnections?: number } = {}): Services {
  const db = createPrismaClient(database.url, options);
  const locks = new AdvisoryLocks(database.url);
  const sealer = new TokenSealer(database.tokenKeys);
  const metrics = createMetrics({ taskQueue: () => readTaskQueue(db, clock.now()) });
  const providers = instrumentProviders(createProviderFactory(config, { clock, log, db }), metrics);
  const connections = new ConnectionService({ db, providers, sealer, clock, log });
  const connectFlow = new ConnectFlow({
    db,
    clock,
    sealer,
    providers: { google: providers.oauth("google"), microsoft: providers.oauth("microsoft") },
    calendars: providers,
    publicUrl: config.publicUrl,
    log,
  });
  const sync: SyncDependencies = {
    db,
    providers,
    locks,
    clock,
    log: log.child({ component: "sync" }),
    window: config.syncWindow,
    tokensFor: (connection) => connections.tokensFor(connection),
    metrics,
  };
  const push: PushDependencies = { ...sync, publicUrl: config.publicUrl };
  const mailer = createMailer(config, db, log.child({ component: "mail" }));
  const checkIns = new CheckInLinks(database.tokenKeys, config.publicUrl);
  const detection: DetectionDependencies = {
    db,
    log: log.child({ component: "detection" }),
    publicUrl: config.publicUrl,
    checkIns,
    metrics,
    async onAlertsRaised(tx, alerts, now) {
      await queueAlertDeliveriesPerSettings(tx, alerts, now);
      await announceAlerts(tx, alerts);
    },
  };
  const recovery: RecoveryDependencies = {
    db,
    providers,
    tokensFor: (connection) => connections.tokensFor(connection),
    locks,
    clock,
    log: log.child({ component: "recovery" }),
    publicUrl: config.publicUrl,
  };
  return {
    config,
    clock,
    log,
    databaseUrl: database.url,
    db,
    locks,
    sealer,
    providers,
    connections,
    connectFlow,
    sessions: new SessionStore(db, clock),
    meetings: new MeetingQueries({ db, clock }),
    sync,
    push,
    detection,
    checkIns,
    meetingActions: new MeetingActions({ detection, clock }),
    alerts: new AlertQueries(db),
    settings: new SettingsService({
      db,
      clock,
      checkWebhookUrl: async (url) => {
        try {
          await resolveWebhookTarget(url, config.webhooks);
          return null;
        } catch (error) {
          return webhookProblemInWords(url, error);
        }
      },
    }),
    mailer,
    pushInbox: new PushInbox({ db, clock, log: log.child({ component: "push" }) }),
    recovery,
    cases: new CaseService({ db, clock }),
    drafts: new DraftService({ db, clock }),
    outbox: new OutboxQueries(db),
    sandbox: new SandboxService({ db, clock, log: log.child({ component: "sandbox" }), sync, detection }),
    metrics,
    taskHandlers: [
      sandboxClientReplyTask({ db }),
      ...recoveryTaskHandlers(recovery),
      sendDraftTask({ ...recovery, mailer, outbox: new SandboxWorldOutbox({ db, clock, outbox: new OutboxMailer({ db, log: log.child({ component: "mailer" }) }) }), log: log.child({ component: "drafts" }) }),
      syncConnectionTask(sync), maintainPushTask(push), detectMeetingTask(detection, sync), detectUserTask(detection, sync), fetchEvidenceTask(detection, sync),
      sendDigestTask({ db, publicUrl: config.publicUrl, onAlertsRaised: detection.onAlertsRaised }),
      checkPreviousCallTask({ ...sync, publicUrl: config.publicUrl }),
      deliverAlertTask({ db, mailer, clock, log: log.child({ component: "alerts" }), publicUrl: config.publicUrl, mailFrom: config.mailFrom, webhook: config.webhooks, metrics }),
    ],
    async close() {
      await Promise.allSettled([db.$disconnect(), locks.close(), mailer.close()]);
    },
  };
}
