import { createProviderFactory } from "../calendars/index.js";
import type { ProviderFactory } from "../calendars/index.js";
import { ConnectFlow } from "../calendars/index.js";
import { ConnectionService } from "../calendars/index.js";
import { AdvisoryLocks } from "../platform/index.js";
import { createPrismaClient, type Database } from "../platform/index.js";
import type { OpenDatabase } from "../platform/index.js";
import { SessionStore } from "../users/index.js";
import { MeetingQueries } from "../detection/index.js";
import type { Clock } from "../platform/index.js";
import type { Config } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import { TokenSealer } from "../platform/index.js";
import type { SyncDependencies } from "../calendars/index.js";
import { syncConnectionTask } from "../calendars/index.js";
import type { PushDependencies } from "../calendars/index.js";
import { PushInbox } from "../calendars/index.js";
import { maintainPushTask } from "../calendars/index.js";
import type { TaskHandler } from "../tasks/index.js";
import { CheckInLinks } from "../detection/index.js";
import type { DetectionDependencies } from "../detection/index.js";
import { detectMeetingTask, detectUserTask, fetchEvidenceTask } from "../detection/index.js";
import { MeetingActions } from "../detection/index.js";
import { detectMeetings, digestTask, fetchEvidence, sendDigestTask } from "../detection/index.js";
import { checkPreviousCallTask } from "../detection/index.js";
import { AlertQueries } from "../alerts/index.js";
import { announceAlerts } from "../alerts/index.js";
import { SettingsService } from "../users/index.js";
import { webhookProblemInWords } from "../users/index.js";
import { createMailer, deliverAlertTask, queueAlertDeliveriesPerSettings, resolveWebhookTarget, type Mailer } from "../alerts/index.js";
import { AlertActionLinks, PushSubscriptions, type WebPushOptions } from "../alerts/index.js";
import { CaseService } from "../recovery/index.js";
import { recoveryTaskHandlers } from "../recovery/index.js";
import type { RecoveryDependencies } from "../recovery/index.js";
import { DraftService } from "../recovery/index.js";
import { sendDraftTask } from "../recovery/index.js";
import { OutboxMailer } from "../alerts/index.js";
import { OutboxQueries } from "../alerts/index.js";
import { SandboxWorldOutbox, sandboxClientReplyTask } from "../calendars/index.js";
import { SandboxService } from "../calendars/index.js";
import { createMetrics, type ServiceMetrics } from "../platform/index.js";
import { instrumentProviders } from "../calendars/index.js";
import { readTaskQueue } from "../platform/index.js";
import { readZoomMeetingsTask, ZoomAccounts, ZoomInbox } from "../calendars/index.js";

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
  /** signed answers to alerts (notification buttons, ntfy, Slack) */
  alertActions: AlertActionLinks;
  pushSubscriptions: PushSubscriptions;
  meetingActions: MeetingActions;
  alerts: AlertQueries;
  settings: SettingsService;
  mailer: Mailer;
  pushInbox: PushInbox;
  zoom: ZoomAccounts;
  zoomInbox: ZoomInbox | undefined;
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
  const zoom = new ZoomAccounts({
    db,
    clock,
    sealer,
    log: log.child({ component: "zoom" }),
    publicUrl: config.publicUrl,
    app: config.zoom && { ...config.zoom, endpoints: { authUrl: config.endpoints.zoomAuthUrl, apiUrl: config.endpoints.zoomApiUrl }, now: () => clock.now() },
  });
  const sync: SyncDependencies = {
    db,
    providers,
    clock,
    log: log.child({ component: "sync" }),
    window: config.syncWindow,
    tokensFor: (connection) => connections.tokensFor(connection),
    metrics,
    zoom,
  };
  const push: PushDependencies = { ...sync, publicUrl: config.publicUrl };
  const mailer = createMailer(config, db, log.child({ component: "mail" }));
  const checkIns = new CheckInLinks(database.tokenKeys, config.publicUrl);
  const alertActions = new AlertActionLinks(database.tokenKeys, config.publicUrl);
  const vapid = config.webPush.keys ?? database.vapidKeys;
  const webPush: WebPushOptions | null = vapid ? { ...config.webhooks, vapid, subject: config.webPush.subject } : null;
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
    alertActions,
    pushSubscriptions: new PushSubscriptions({ db, clock, webPush }),
    meetingActions: new MeetingActions({ detection, clock }),
    alerts: new AlertQueries(db),
    settings: new SettingsService({
      db,
      clock,
      sealer,
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
    zoom,
    zoomInbox: config.zoom && new ZoomInbox({ db, clock, log: log.child({ component: "zoom" }), secretToken: config.zoom.webhookSecretToken }),
    recovery,
    cases: new CaseService({ db, clock }),
    drafts: new DraftService({ db, clock }),
    outbox: new OutboxQueries(db),
    sandbox: new SandboxService({
      db,
      clock,
      log: log.child({ component: "sandbox" }),
      sync,
      detection: {
        fetchEvidence: (meetingId) => fetchEvidence(meetingId, sync),
        detectUser: (userId, now) => detectMeetings(detection, now, { userId }),
        digestTask,
      },
    }),
    metrics,
    taskHandlers: [
      sandboxClientReplyTask({ db }),
      readZoomMeetingsTask(zoom),
      ...recoveryTaskHandlers(recovery),
      sendDraftTask({ ...recovery, mailer, outbox: new SandboxWorldOutbox({ db, clock, outbox: new OutboxMailer({ db, log: log.child({ component: "mailer" }) }) }), log: log.child({ component: "drafts" }) }),
      syncConnectionTask(sync), maintainPushTask(push), detectMeetingTask(detection, sync), detectUserTask(detection, sync), fetchEvidenceTask(detection, sync),
      sendDigestTask({ db, publicUrl: config.publicUrl, onAlertsRaised: detection.onAlertsRaised }),
      checkPreviousCallTask({ ...sync, publicUrl: config.publicUrl }),
      deliverAlertTask({ db, mailer, clock, log: log.child({ component: "alerts" }), publicUrl: config.publicUrl, mailFrom: config.mailFrom, webhook: config.webhooks, actionLinks: alertActions, webPush, sealer, metrics }),
    ],
    async close() {
      await Promise.allSettled([db.$disconnect(), locks.close(), mailer.close()]);
    },
  };
}
