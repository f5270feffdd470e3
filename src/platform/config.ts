import { readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";
import { parseKeyRing, type KeyRing } from "./key-ring.js";
import { vapidKeysProblem, type VapidKeys } from "./vapid-keys.js";

/**
 * The service's whole configuration: one schema, the type inferred from it, and the only
 * place that reads `process.env`. A bad value stops start-up with one line naming the
 * variable, what was wrong and an example of a good value.
 */

const EXAMPLES: Record<string, string> = {
  PORT: "3000",
  HOST: "0.0.0.0",
  LOG_LEVEL: "info",
  LOG_FORMAT: "json",
  DATA_DIR: "./.data",
  PUBLIC_URL: "https://makegood.example.com",
  DATABASE_URL: "postgres://makegood:secret@localhost:5432/makegood",
  SMTP_URL: "smtp://user:pass@localhost:1025",
  SMTP_FROM: "Makegood <makegood@example.com>",
  GOOGLE_AUTH_URL: "https://accounts.google.com/o/oauth2/v2/auth",
  GOOGLE_TOKEN_URL: "https://oauth2.googleapis.com/token",
  GOOGLE_API_ROOT_URL: "https://www.googleapis.com/",
  GOOGLE_MEET_ROOT_URL: "https://meet.googleapis.com/",
  MICROSOFT_AUTHORITY_URL: "https://login.microsoftonline.com",
  MICROSOFT_GRAPH_URL: "https://graph.microsoft.com",
  MICROSOFT_TENANT: "common",
  ZOOM_AUTH_URL: "https://zoom.us",
  ZOOM_API_URL: "https://api.zoom.us/v2",
  SANDBOX: "true",
  SYNC_PAST_DAYS: "2",
  SYNC_FUTURE_DAYS: "14",
  DATABASE_WAIT_SECONDS: "30",
  CRON: "true",
  WORKERS: "4",
  WEBHOOK_ALLOW_HTTP: "false",
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "false",
  METRICS_TOKEN: "a long random string",
  VAPID_PUBLIC_KEY: "BNc…(87 characters, from: npx web-push generate-vapid-keys)",
  VAPID_PRIVATE_KEY: "(43 characters, from: npx web-push generate-vapid-keys)",
  VAPID_SUBJECT: "mailto:ops@example.com",
};

const url = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const optionalText = z.string().trim().min(1).optional();
const flag = z.enum(["true", "false", "1", "0"], { error: "must be true or false" }).transform((v) => v === "true" || v === "1");
const positiveInt = (max: number) =>
  z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(0, "must not be negative").max(max, `must be at most ${max}`);

const envSchema = z
  .object({
    PORT: z.coerce.number({ error: "must be a port number" }).int().min(0, "must be 0–65535").max(65535, "must be 0–65535").default(3000),
    HOST: z.string().trim().min(1).default("localhost"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "must be one of fatal, error, warn, info, debug, trace, silent" }).default("info"),
    LOG_FORMAT: z.enum(["auto", "json", "pretty"], { error: "must be auto, json or pretty" }).default("auto"),
    DATA_DIR: z.string().trim().min(1).default("./.data"),
    PUBLIC_URL: url.optional(),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" }).optional(),
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
    SMTP_FROM: optionalText,
    TOKEN_ENCRYPTION_KEY: optionalText,
    GOOGLE_CLIENT_ID: optionalText,
    GOOGLE_CLIENT_SECRET: optionalText,
    GOOGLE_AUTH_URL: url.default("https://accounts.google.com/o/oauth2/v2/auth"),
    GOOGLE_TOKEN_URL: url.default("https://oauth2.googleapis.com/token"),
    GOOGLE_API_ROOT_URL: url.default("https://www.googleapis.com/"),
    GOOGLE_MEET_ROOT_URL: url.default("https://meet.googleapis.com/"),
    MICROSOFT_CLIENT_ID: optionalText,
    MICROSOFT_CLIENT_SECRET: optionalText,
    MICROSOFT_AUTHORITY_URL: url.default("https://login.microsoftonline.com"),
    MICROSOFT_GRAPH_URL: url.default("https://graph.microsoft.com"),
    MICROSOFT_TENANT: z.string().trim().regex(/^[A-Za-z0-9.-]+$/, "must be common, organizations, consumers, a tenant id or a domain").default("common"),
    ZOOM_CLIENT_ID: optionalText,
    ZOOM_CLIENT_SECRET: optionalText,
    ZOOM_WEBHOOK_SECRET_TOKEN: optionalText,
    ZOOM_AUTH_URL: url.default("https://zoom.us"),
    ZOOM_API_URL: url.default("https://api.zoom.us/v2"),
    SANDBOX: flag.optional(),
    SYNC_PAST_DAYS: positiveInt(60).default(2),
    SYNC_FUTURE_DAYS: positiveInt(365).default(14),
    DATABASE_WAIT_SECONDS: positiveInt(3600).default(30),
    CRON: flag.default(true),
    WORKERS: positiveInt(64).default(4),
    WEBHOOK_ALLOW_HTTP: flag.default(false),
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES: flag.default(false),
    METRICS_TOKEN: z.string().trim().min(16, "must be at least 16 characters").optional(),
    VAPID_PUBLIC_KEY: optionalText,
    VAPID_PRIVATE_KEY: optionalText,
    VAPID_SUBJECT: z.string().trim().regex(/^(mailto:.+@.+|https:\/\/.+)$/, "must be a mailto: address or an https:// URL (push services contact the sender there)").optional(),
  })
  .superRefine((env, ctx) => {
    // Zoom is optional, but half of it would offer a "Connect Zoom" whose webhooks are refused.
    const zoom = ["ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_WEBHOOK_SECRET_TOKEN"] as const;
    const given = zoom.filter((name) => Boolean(env[name]));
    if (given.length > 0 && given.length < zoom.length) {
      const missing = zoom.find((name) => !env[name])!;
      ctx.addIssue({ code: "custom", path: [missing], message: `is required when ${given.join(" and ")} ${given.length > 1 ? "are" : "is"} set (Zoom needs its app's client id, client secret and webhook secret token)` });
    }
    for (const provider of ["GOOGLE", "MICROSOFT"] as const) {
      const id = env[`${provider}_CLIENT_ID`];
      const secret = env[`${provider}_CLIENT_SECRET`];
      if (Boolean(id) !== Boolean(secret)) {
        const missing = id ? `${provider}_CLIENT_SECRET` : `${provider}_CLIENT_ID`;
        ctx.addIssue({ code: "custom", path: [missing], message: `is required when ${id ? `${provider}_CLIENT_ID` : `${provider}_CLIENT_SECRET`} is set` });
      }
    }
    if (Boolean(env.VAPID_PUBLIC_KEY) !== Boolean(env.VAPID_PRIVATE_KEY)) {
      const missing = env.VAPID_PUBLIC_KEY ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY";
      ctx.addIssue({ code: "custom", path: [missing], message: "is required with the other VAPID key (or set neither, and a pair is generated into DATA_DIR)" });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
}

export interface Config {
  port: number;
  /** the interface to listen on: localhost by default, 0.0.0.0 in a container */
  host: string;
  logLevel: Env["LOG_LEVEL"];
  /** auto: one readable line per event at a terminal, JSON lines otherwise */
  logFormat: Env["LOG_FORMAT"];
  dataDir: string;
  /** where browsers reach the service; redirect URIs and webhook addresses derive from it */
  publicUrl: string;
  /** unset: the embedded PostgreSQL under dataDir */
  databaseUrl: string | undefined;
  databaseWaitSeconds: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** unset: a key generated into dataDir is used (embedded database only) */
  tokenKeys: KeyRing | undefined;
  google: OAuthClientConfig | undefined;
  microsoft: OAuthClientConfig | undefined;
  /** the self-hoster's own Zoom app (user-managed OAuth); unset: "Connect Zoom" is not offered */
  zoom: (OAuthClientConfig & { webhookSecretToken: string }) | undefined;
  endpoints: {
    googleAuthUrl: string;
    googleTokenUrl: string;
    googleApiRootUrl: string;
    googleMeetRootUrl: string;
    microsoftAuthorityUrl: string;
    microsoftGraphUrl: string;
    microsoftTenant: string;
    /** https://zoom.us: {zoomAuthUrl}/oauth/authorize, /oauth/token, /oauth/revoke */
    zoomAuthUrl: string;
    /** https://api.zoom.us/v2: requests go to {zoomApiUrl}/users/me … */
    zoomApiUrl: string;
  };
  /** the sample calendar that shows the whole loop without real credentials */
  sandbox: boolean;
  syncWindow: { pastDays: number; futureDays: number };
  cron: boolean;
  workers: number;
  /** alert webhooks: https only and public addresses only, unless explicitly allowed */
  webhooks: { allowHttp: boolean; allowPrivateAddresses: boolean; timeoutMs: number };
  /** set: GET /metrics needs `Authorization: Bearer <token>` */
  metricsToken: string | undefined;
  /** Web Push: the VAPID pair (unset: generated into dataDir) and the contact push services see */
  webPush: { keys: VapidKeys | undefined; subject: string };
}

export class ConfigurationError extends Error {
  constructor(readonly variable: string, readonly problem: string) {
    const example = EXAMPLES[variable];
    super(`${variable} ${problem}${example ? `; for example ${variable}=${example}` : ""}`);
    this.name = "ConfigurationError";
  }
}

/** Push services contact the sender at the VAPID subject: the public https address, else the mail sender. */
function vapidSubjectFrom(publicUrl: string | undefined, smtpFrom: string | undefined): string {
  if (publicUrl?.startsWith("https://")) return publicUrl.replace(/\/+$/, "");
  const address = /<([^>]+)>/.exec(smtpFrom ?? "")?.[1] ?? smtpFrom?.trim();
  return `mailto:${address && address.includes("@") ? address : "makegood@localhost"}`;
}

const withSlash = (value: string) => (value.endsWith("/") ? value : `${value}/`);
const withoutSlash = (value: string) => value.replace(/\/+$/, "");

/** Reads the configuration from an environment (process.env by default). Throws ConfigurationError. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "configuration");
    const got = present[variable];
    const shown = got === undefined || /SECRET|KEY|TOKEN|PASSWORD|DATABASE_URL|SMTP_URL/.test(variable) ? "" : ` (got "${got}")`;
    throw new ConfigurationError(variable, `${issue.message}${shown}`);
  }
  const env = parsed.data;

  let tokenKeys: KeyRing | undefined;
  if (env.TOKEN_ENCRYPTION_KEY) {
    const ring = parseKeyRing(env.TOKEN_ENCRYPTION_KEY);
    if (!ring.ok) throw new ConfigurationError("TOKEN_ENCRYPTION_KEY", ring.problem);
    tokenKeys = ring.keyRing;
  } else if (env.DATABASE_URL) {
    throw new ConfigurationError(
      "TOKEN_ENCRYPTION_KEY",
      "is required when DATABASE_URL is set (tokens are encrypted at rest; only the embedded database generates a key for you); generate one with: openssl rand -base64 32",
    );
  }

  let vapidKeys: VapidKeys | undefined;
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) {
    vapidKeys = { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY };
    const problem = vapidKeysProblem(vapidKeys);
    if (problem) throw new ConfigurationError(problem.startsWith("VAPID_PRIVATE_KEY") ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY", problem.replace(/^VAPID_(PUBLIC|PRIVATE)_KEY /, ""));
  }

  const google = env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET ? { clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET } : undefined;
  const microsoft =
    env.MICROSOFT_CLIENT_ID && env.MICROSOFT_CLIENT_SECRET ? { clientId: env.MICROSOFT_CLIENT_ID, clientSecret: env.MICROSOFT_CLIENT_SECRET } : undefined;

  const zoom =
    env.ZOOM_CLIENT_ID && env.ZOOM_CLIENT_SECRET && env.ZOOM_WEBHOOK_SECRET_TOKEN
      ? { clientId: env.ZOOM_CLIENT_ID, clientSecret: env.ZOOM_CLIENT_SECRET, webhookSecretToken: env.ZOOM_WEBHOOK_SECRET_TOKEN }
      : undefined;

  return {
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    dataDir: env.DATA_DIR,
    publicUrl: withoutSlash(env.PUBLIC_URL ?? `http://localhost:${env.PORT}`),
    databaseUrl: env.DATABASE_URL,
    databaseWaitSeconds: env.DATABASE_WAIT_SECONDS,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.SMTP_FROM ?? "Makegood <makegood@localhost>",
    tokenKeys,
    google,
    microsoft,
    zoom,
    endpoints: {
      googleAuthUrl: env.GOOGLE_AUTH_URL,
      googleTokenUrl: env.GOOGLE_TOKEN_URL,
      googleApiRootUrl: withSlash(env.GOOGLE_API_ROOT_URL),
      googleMeetRootUrl: withSlash(env.GOOGLE_MEET_ROOT_URL),
      microsoftAuthorityUrl: withoutSlash(env.MICROSOFT_AUTHORITY_URL),
      microsoftGraphUrl: withoutSlash(env.MICROSOFT_GRAPH_URL),
      microsoftTenant: env.MICROSOFT_TENANT,
      zoomAuthUrl: withoutSlash(env.ZOOM_AUTH_URL),
      zoomApiUrl: withoutSlash(env.ZOOM_API_URL),
    },
    // Real credentials switch the sandbox off unless it is asked for explicitly.
    sandbox: env.SANDBOX ?? (!google && !microsoft),
    syncWindow: { pastDays: env.SYNC_PAST_DAYS, futureDays: env.SYNC_FUTURE_DAYS },
    cron: env.CRON,
    workers: env.WORKERS,
    webhooks: { allowHttp: env.WEBHOOK_ALLOW_HTTP, allowPrivateAddresses: env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES, timeoutMs: 10_000 },
    metricsToken: env.METRICS_TOKEN,
    webPush: { keys: vapidKeys, subject: env.VAPID_SUBJECT ?? vapidSubjectFrom(env.PUBLIC_URL, env.SMTP_FROM) },
  };
}

export interface EnvFile {
  /** the file that was read, when there was one */
  path: string | undefined;
  /** how many of its variables were used (the environment's own values win) */
  used: number;
}

/**
 * The configuration from the environment and, when present, a `.env` file in the working
 * folder (what `npm start` users expect). A variable set in the environment wins over the
 * file, so `PORT=3001 npm start` still does what it says.
 */
export function loadConfigWithEnvFile(file = ".env", source: NodeJS.ProcessEnv = process.env): { config: Config; envFile: EnvFile } {
  let values: Record<string, string> = {};
  let readPath: string | undefined;
  try {
    values = parseEnv(readFileSync(file, "utf8")) as Record<string, string>;
    readPath = path.resolve(file);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) {
      throw new ConfigurationError(".env", `could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const fromFile = Object.fromEntries(Object.entries(values).filter(([name]) => source[name] === undefined || source[name] === ""));
  return { config: loadConfig({ ...fromFile, ...Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== "")) }), envFile: { path: readPath, used: Object.keys(fromFile).length } };
}
