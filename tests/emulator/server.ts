import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import type { EmulatorContext, EmulatorSettings } from "./context.js";
import { EmulatorControl } from "./control.js";
import { registerControlRoutes } from "./control-routes.js";
import { FaultInjector } from "./faults.js";
import { registerGoogleCalendar } from "./google/calendar.js";
import { registerGmail } from "./google/gmail.js";
import { registerGmailRead } from "./google/gmail-read.js";
import { registerGoogleMeet } from "./google/meet.js";
import { registerGoogleOAuth } from "./google/oauth.js";
import { registerGoogleSettings } from "./google/settings.js";
import { registerGoogleUserinfo } from "./google/userinfo.js";
import { registerGoogleWatch } from "./google/watch.js";
import { IdTokenSigner } from "./jwt.js";
import { registerGraphCalendar } from "./microsoft/calendar.js";
import { registerGraphCalendarView } from "./microsoft/calendar-view.js";
import { registerGraphCalendars } from "./microsoft/calendars.js";
import { registerGraphDelta } from "./microsoft/delta.js";
import { registerMicrosoftIdentity } from "./microsoft/identity.js";
import { registerGraphMail } from "./microsoft/mail.js";
import { registerGraphMailRead } from "./microsoft/mail-read.js";
import { registerGraphMailboxSettings } from "./microsoft/mailbox-settings.js";
import { registerGraphOnlineMeetings } from "./microsoft/online-meetings.js";
import { registerGraphPresence } from "./microsoft/presence.js";
import { registerGraphSchedule } from "./microsoft/schedule.js";
import { registerGraphSubscriptions } from "./microsoft/subscriptions.js";
import { RequestLog } from "./request-log.js";
import { EmulatorState } from "./state.js";
import { WebhookSender } from "./webhooks.js";
import { registerZoomApi } from "./zoom/api.js";
import { registerZoomControlRoutes, ZoomControl } from "./zoom/control.js";
import { registerZoomOAuth } from "./zoom/oauth.js";
import { ZoomWorld } from "./zoom/world.js";

export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The emulator's clock; tests move it with control.advanceTime or by passing their own. */
  now?: () => number;
  google?: { clientId?: string; clientSecret?: string; redirectUris?: string[] };
  microsoft?: { clientId?: string; clientSecret?: string; redirectUris?: string[] };
  zoom?: { clientId?: string; clientSecret?: string; webhookSecretToken?: string };
  settings?: Partial<EmulatorSettings>;
}

/** The PRODUCT §1 variables, pointing at this emulator. */
export interface EmulatorEnv {
  GOOGLE_AUTH_URL: string;
  GOOGLE_TOKEN_URL: string;
  GOOGLE_API_ROOT_URL: string;
  GOOGLE_MEET_ROOT_URL: string;
  MICROSOFT_AUTHORITY_URL: string;
  MICROSOFT_GRAPH_URL: string;
  GOOGLE_CLIENT_ID: string;
  GOOGLE_CLIENT_SECRET: string;
  MICROSOFT_CLIENT_ID: string;
  MICROSOFT_CLIENT_SECRET: string;
  MICROSOFT_TENANT: string;
  [name: string]: string;
}

export interface Emulator {
  /** https://localhost:PORT (the certificate covers localhost and 127.0.0.1). */
  url: string;
  env: EmulatorEnv;
  control: EmulatorControl;
  close: () => Promise<void>;
}

const TLS_DIR = new URL("./tls/", import.meta.url);

const DEFAULT_SETTINGS: EmulatorSettings = {
  accessTokenLifetimeSeconds: 3599,
  authorizationCodeLifetimeSeconds: 600,
  meetRecordLagMs: 0,
  teamsReportLagMs: 0,
  subscriptionValidationTimeoutMs: 10_000,
  webhookTimeoutMs: 5_000,
  zoomMaxPageSize: 300,
};

function buildApp(ctx: EmulatorContext, control: EmulatorControl, zoomControl: ZoomControl): FastifyInstance {
  const app = Fastify({
    https: { key: readFileSync(new URL("server-key.pem", TLS_DIR)), cert: readFileSync(new URL("server.pem", TLS_DIR)) },
    logger: false,
    bodyLimit: 30 * 1024 * 1024,
    // Graph ids (events, online meetings) are far longer than fastify's default 100-character limit.
    routerOptions: { maxParamLength: 2048 },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, text, done) => {
    const source = String(text);
    if (source.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(source));
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)), undefined);
    }
  });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, text, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(text))));
  });
  // Gmail uploads (message/rfc822, multipart/related) and anything else arrive as text.
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, text, done) => done(null, String(text)));

  // Requests handled in full whose answer is never sent (the acceptThenDrop fault).
  const droppedAfterHandling = new WeakSet<object>();
  app.addHook("onSend", async (request, _reply, payload) => {
    if (droppedAfterHandling.has(request.raw)) request.raw.socket.destroy();
    return payload;
  });

  app.addHook("onRequest", async (request, reply) => {
    ctx.log.record(request.method, request.url, request.headers, ctx.state.now());
    if (request.url.startsWith("/_emulator/")) return;
    const fault = ctx.faults.take(request.method, request.url.split("?")[0] ?? "/");
    if (!fault) return;
    if ("delayMs" in fault) {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      return;
    }
    if ("drop" in fault) {
      if (fault.drop === "after") {
        droppedAfterHandling.add(request.raw);
        return;
      }
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    await reply.code(fault.response.status).headers(fault.response.headers).send(fault.response.body);
  });

  registerControlRoutes(app, control);
  registerGoogleOAuth(app, ctx);
  registerGoogleUserinfo(app, ctx);
  registerGoogleCalendar(app, ctx);
  registerGoogleSettings(app, ctx);
  registerGoogleWatch(app, ctx);
  registerGoogleMeet(app, ctx);
  registerGmail(app, ctx);
  registerGmailRead(app, ctx);
  registerMicrosoftIdentity(app, ctx);
  registerGraphCalendars(app, ctx);
  registerGraphCalendar(app, ctx);
  registerGraphCalendarView(app, ctx);
  registerGraphSchedule(app, ctx);
  registerGraphDelta(app, ctx);
  registerGraphSubscriptions(app, ctx);
  registerGraphMail(app, ctx);
  registerGraphMailRead(app, ctx);
  registerGraphOnlineMeetings(app, ctx);
  registerGraphPresence(app, ctx);
  registerGraphMailboxSettings(app, ctx);
  registerZoomControlRoutes(app, zoomControl);
  registerZoomOAuth(app, ctx);
  registerZoomApi(app, ctx);
  return app;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const google = { clientId: "emulator-google-client.apps.googleusercontent.com", clientSecret: "emulator-google-secret", redirectUris: [], ...options.google };
  const microsoft = { clientId: "6731de76-14a6-49ae-97bc-6eba6914391e", clientSecret: "emulator-microsoft-secret", redirectUris: [], ...options.microsoft };
  const zoomApp = { clientId: "emuZoomClient0Id1", clientSecret: "emulator-zoom-secret", webhookSecretToken: "emulator-zoom-webhook-secret-token", ...options.zoom };
  let baseUrl = "";
  const state = new EmulatorState(options.now ?? Date.now, { google, microsoft });
  const webhooks = new WebhookSender();
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const ctx: EmulatorContext = {
    state,
    log: new RequestLog(),
    faults: new FaultInjector(),
    webhooks,
    signer: new IdTokenSigner(),
    settings,
    zoom: new ZoomWorld(zoomApp, { now: () => state.now(), webhooks, timeoutMs: settings.webhookTimeoutMs, accessTokenLifetimeSeconds: settings.accessTokenLifetimeSeconds }),
    baseUrl: () => baseUrl,
  };
  const control = new EmulatorControl(ctx);
  const zoomControl = new ZoomControl(ctx);
  control.zoom = zoomControl;
  const app = buildApp(ctx, control, zoomControl);
  await app.listen({ host: "127.0.0.1", port: options.port ?? 0 });
  baseUrl = `https://localhost:${(app.server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    env: {
      GOOGLE_AUTH_URL: `${baseUrl}/o/oauth2/v2/auth`,
      GOOGLE_TOKEN_URL: `${baseUrl}/token`,
      GOOGLE_API_ROOT_URL: `${baseUrl}/`,
      GOOGLE_MEET_ROOT_URL: `${baseUrl}/`,
      MICROSOFT_AUTHORITY_URL: baseUrl,
      MICROSOFT_GRAPH_URL: baseUrl,
      GOOGLE_CLIENT_ID: google.clientId,
      GOOGLE_CLIENT_SECRET: google.clientSecret,
      MICROSOFT_CLIENT_ID: microsoft.clientId,
      MICROSOFT_CLIENT_SECRET: microsoft.clientSecret,
      MICROSOFT_TENANT: "common",
      ZOOM_AUTH_URL: `${baseUrl}/zoom`,
      ZOOM_API_URL: `${baseUrl}/zoom/v2`,
      ZOOM_CLIENT_ID: zoomApp.clientId,
      ZOOM_CLIENT_SECRET: zoomApp.clientSecret,
      ZOOM_WEBHOOK_SECRET_TOKEN: zoomApp.webhookSecretToken,
    },
    control,
    close: async () => {
      await ctx.webhooks.settle();
      await app.close();
    },
  };
}
