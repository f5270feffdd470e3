import { pino, type Logger, type LoggerOptions } from "pino";
import { prettyDestination } from "./pretty-log.js";

export type { Logger };

/**
 * Paths that may hold a secret anywhere they appear in a log line: tokens, cookies,
 * authorization headers, client secrets, passwords. Censored rather than removed so that a
 * reader sees a value existed.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "*.accessToken",
  "*.refreshToken",
  "*.access_token",
  "*.refresh_token",
  "*.id_token",
  "*.idToken",
  "*.codeVerifier",
  "*.code_verifier",
  "*.clientSecret",
  "*.client_secret",
  "*.password",
  "*.token",
  "*.secret",
  "*.authorization",
  "*.Authorization",
  "*.cookie",
  "*.databaseUrl",
  "*.smtpUrl",
];

const SECRET_QUERY_PARAMETERS = /^(code|state|token|access_token|refresh_token|id_token|validationToken|t)$/i;

/**
 * Paths whose segment is itself a credential: the one-click check-in link (and an alert's
 * answer link, /alert-action/…) carries a signed
 * token that checks a meeting in without signing in, so anyone reading the log could use it.
 * Doubled slashes and an encoded one (%2F) are masked too: a request line is logged whatever
 * route it reaches, and a mangled link still holds the whole token.
 */
const SECRET_PATH_SEGMENTS = [/(\/check-in(?:\/|%2f)+)[^/?#]+/gi, /(\/alert-action(?:\/|%2f)+)[^/?#]+/gi];

/** A request as logged: no headers, and the secrets in its path and query (check-in tokens, OAuth codes) masked. */
function requestSummary(request: { method?: string; url?: string; ip?: string }): Record<string, unknown> {
  return { method: request.method, url: maskUrl(request.url ?? ""), remoteAddress: request.ip };
}

/** A request URL (path and query) with every secret it can carry replaced by "[redacted]". */
export function maskUrl(url: string): string {
  let masked = url;
  for (const pattern of SECRET_PATH_SEGMENTS) masked = masked.replace(pattern, "$1[redacted]");
  return maskQuery(masked);
}

export function maskQuery(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart < 0) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of [...params.keys()]) if (SECRET_QUERY_PARAMETERS.test(key)) params.set(key, "[redacted]");
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}

/**
 * JSON lines, except at a terminal (stdout a TTY, and LOG_FORMAT not forced): there one
 * readable line per event. An explicit destination (tests) always gets JSON.
 */
export function createLogger(level: LoggerOptions["level"], destination?: pino.DestinationStream, format: "auto" | "json" | "pretty" = "auto"): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: "makegood" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.errWithCause, req: requestSummary },
  };
  if (destination) return pino(options, destination);
  const pretty = format === "pretty" || (format === "auto" && process.stdout.isTTY === true);
  return pretty ? pino(options, prettyDestination(process.stdout, process.stdout.isTTY === true)) : pino(options);
}

/** Removes the password from a connection URL so it can be logged. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "redacted";
    return url.toString();
  } catch {
    return "[unparseable url]";
  }
}
