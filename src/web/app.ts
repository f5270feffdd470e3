import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { ConnectFlow } from "../calendars/index.js";
import type { ConnectionService } from "../calendars/index.js";
import type { ReadinessProbe } from "../platform/index.js";
import type { SessionStore } from "../users/index.js";
import type { CheckInLinks, MeetingActions, MeetingQueries } from "../detection/index.js";
import type { AlertActionLinks, AlertQueries, OutboxQueries, PushSubscriptions } from "../alerts/index.js";
import type { CaseService, DraftService } from "../recovery/index.js";
import type { SandboxService } from "../calendars/index.js";
import type { SettingsService } from "../users/index.js";
import type { Clock, Database } from "../platform/index.js";
import type { Config } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import { canonicalHostPlugin } from "./plugins/canonical-host.js";
import { noNulPlugin } from "./plugins/no-nul.js";
import { RequestLogController } from "./plugins/request-log.js";
import { errorBody } from "./schemas/error.js";
import { clientErrorHandler, errorHandlerPlugin, MAX_HEADER_BYTES } from "./plugins/error-handler.js";
import { routeTablePlugin } from "./plugins/route-table.js";
import { openApiPlugin } from "./plugins/openapi.js";
import { sameOriginPlugin } from "./plugins/same-origin.js";
import { sessionPlugin } from "./plugins/session.js";
import { authRoutes } from "./routes/auth.js";
import { connectionRoutes } from "./routes/connections.js";
import { healthRoutes } from "./routes/health.js";
import { meetingRoutes } from "./routes/meetings.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { zoomRoutes, zoomWebhookRoutes } from "./routes/zoom.js";
import type { PushInbox } from "../calendars/index.js";
import type { ZoomAccounts, ZoomInbox } from "../calendars/index.js";
import type { AlertStream } from "../alerts/index.js";
import { alertRoutes } from "./routes/alerts.js";
import { checkInRoutes } from "./routes/check-in.js";
import { meetingActionRoutes } from "./routes/meeting-actions.js";
import { settingsRoutes } from "./routes/settings.js";
import { alertActionRoutes } from "./routes/alert-action.js";
import { pushRoutes } from "./routes/push.js";
import { caseRoutes } from "./routes/cases.js";
import { draftRoutes } from "./routes/drafts.js";
import { runningLateRoutes } from "./routes/running-late.js";
import { sandboxRoutes } from "./routes/sandbox.js";
import { outboxRoutes } from "./routes/outbox.js";
import { DASHBOARD_SCRIPT_HASHES, dashboardRoutes } from "./routes/dashboard.js";
import { appShellRoutes } from "./routes/app-shell.js";
import { meRoutes } from "./routes/me.js";
import { punctualityRoutes } from "./routes/punctuality.js";
import { metricsRoutes } from "./routes/metrics.js";
import type { ServiceMetrics } from "../platform/index.js";

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** The services the routes use (app/ composes them; web names them by the modules that provide them). */
export interface WebServices {
  meetingActions: MeetingActions;
  alerts: AlertQueries;
  settings: SettingsService;
  checkIns: CheckInLinks;
  alertActions: AlertActionLinks;
  pushSubscriptions: PushSubscriptions;
  clock: Clock;
  cases: CaseService;
  drafts: DraftService;
  outbox: OutboxQueries;
  sandbox: SandboxService;
  db: Database;
}

export interface AppDependencies {
  config: Config;
  log: Logger;
  readiness: ReadinessProbe;
  version: string;
  /** cookie signing secrets, newest first */
  cookieSecrets: Buffer[];
  sessions: SessionStore;
  connectFlow: ConnectFlow;
  connections: ConnectionService;
  meetings: MeetingQueries;
  pushInbox: PushInbox;
  /** the users' Zoom accounts ("Connect Zoom"), and its webhooks when Zoom is configured */
  zoom: ZoomAccounts;
  zoomInbox: ZoomInbox | undefined;
  services: WebServices;
  alertStream: AlertStream;
  metrics: ServiceMetrics;
  /** queue a sync of this connection (first sync after connecting, webhooks) */
  requestSync(connectionId: string): Promise<void>;
}

/**
 * Builds the HTTP application from its dependencies; nothing here reads the environment or
 * opens connections, so tests build it with whatever they need.
 */
export async function buildApp(deps: AppDependencies): Promise<App> {
  const app: App = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    // Check-in links carry a signed token of ~200 characters in the path; Fastify's default
    // (100) answered every real "I'm here" link 414. Routes bound their own params.
    routerOptions: { maxParamLength: 1024 },
    // What Node's parser refuses itself (431, 414, a broken request line) gets the standard body.
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    clientErrorHandler,
    // A request that takes longer than this is stuck; the client should retry.
    requestTimeout: 30_000,
    // Only a proxy on this host or a private network may set X-Forwarded-For: a client on the
    // internet could otherwise pick its own address and walk around the rate limits.
    trustProxy: ["loopback", "linklocal", "uniquelocal"],
    logController: new RequestLogController(),
    // Errors the router meets before any route (a broken %-escape, an over-long id) get the
    // standard error body too, not Fastify's own shape.
    frameworkErrors: (error, _request, reply) => {
      const status = error.code === "FST_ERR_MAX_PARAM_LENGTH" ? 414 : error.code === "FST_ERR_BAD_URL" ? 400 : 500;
      const message = status === 414 ? "The address is too long." : status === 400 ? "The address is not valid: it has a broken %-escape." : "Something went wrong on our side; it has been logged.";
      const code = status === 414 ? "address_too_long" : status === 400 ? "bad_address" : "internal_error";
      const body = JSON.stringify(errorBody(code, message));
      reply.raw.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
      reply.raw.end(body);
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const secure = deps.config.publicUrl.startsWith("https://");

  // Tier 1: cross-cutting plugins. The host redirect comes first: nothing else should run for another name.
  await app.register(canonicalHostPlugin, { publicUrl: deps.config.publicUrl });
  await app.register(routeTablePlugin);
  await app.register(errorHandlerPlugin);
  await app.register(noNulPlugin);
  await app.register(helmet, {
    // Scripts are same-origin files; the one inline script is the dashboard's import map, allowed by its hash.
    contentSecurityPolicy: { directives: { "script-src": ["'self'", ...DASHBOARD_SCRIPT_HASHES], "upgrade-insecure-requests": secure ? [] : null } },
    hsts: secure,
    // Not helmet's no-referrer: under it browsers send "Origin: null" on our own form posts (the
    // check-in page), which the same-origin check must refuse. same-origin still sends nothing
    // to other sites, so check-in tokens in our URLs never leak in a Referer.
    referrerPolicy: { policy: "same-origin" },
  });
  await app.register(rateLimit, { global: false });
  await app.register(openApiPlugin, { publicUrl: deps.config.publicUrl, version: deps.version });
  await app.register(sessionPlugin, { sessions: deps.sessions, secrets: deps.cookieSecrets, secure });
  await app.register(sameOriginPlugin, { publicUrl: deps.config.publicUrl });

  // Tier 2: routes.
  await app.register(healthRoutes, { readiness: deps.readiness });
  await app.register(authRoutes, { connectFlow: deps.connectFlow, secureCookies: secure, onConnected: deps.requestSync });
  await app.register(connectionRoutes, { connections: deps.connections, zoom: deps.zoom });
  await app.register(zoomRoutes, { zoom: deps.zoom, secureCookies: secure });
  await app.register(zoomWebhookRoutes, { inbox: deps.zoomInbox, metrics: deps.metrics });
  await app.register(meetingRoutes, { meetings: deps.meetings });
  await app.register(webhookRoutes, { inbox: deps.pushInbox, metrics: deps.metrics });
  await app.register(meetingActionRoutes, { actions: deps.services.meetingActions });
  await app.register(alertRoutes, { alerts: deps.services.alerts, stream: deps.alertStream });
  await app.register(checkInRoutes, { links: deps.services.checkIns, actions: deps.services.meetingActions, clock: deps.services.clock });
  await app.register(alertActionRoutes, { links: deps.services.alertActions, alerts: deps.services.alerts, actions: deps.services.meetingActions, drafts: deps.services.drafts, clock: deps.services.clock });
  await app.register(settingsRoutes, { settings: deps.services.settings });
  await app.register(pushRoutes, { push: deps.services.pushSubscriptions });
  await app.register(caseRoutes, { cases: deps.services.cases });
  await app.register(draftRoutes, { drafts: deps.services.drafts });
  await app.register(runningLateRoutes, { drafts: deps.services.drafts });
  await app.register(outboxRoutes, { outbox: deps.services.outbox });
  await app.register(sandboxRoutes, {
    sandbox: deps.services.sandbox,
    providers: { google: deps.connectFlow.isConfigured("google"), microsoft: deps.connectFlow.isConfigured("microsoft"), sandbox: deps.config.sandbox },
  });
  await app.register(meRoutes, { db: deps.services.db, clock: deps.services.clock });
  await app.register(punctualityRoutes, { db: deps.services.db, clock: deps.services.clock });
  await app.register(dashboardRoutes);
  await app.register(appShellRoutes);
  await app.register(metricsRoutes, { metrics: deps.metrics, token: deps.config.metricsToken });

  return app;
}
