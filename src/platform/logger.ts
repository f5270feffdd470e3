import { pino, type Logger, type LoggerOptions } from "pino";

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
  "*.code",
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

export function createLogger(level: LoggerOptions["level"], destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: "makegood" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.errWithCause },
  };
  return destination ? pino(options, destination) : pino(options);
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
