/**
 * The one error base class of the service. Every failure we raise on purpose says what
 * went wrong (`message`), what kind of failure it is (`code`), whether trying again can
 * help (`retryable`) and which HTTP status it maps to.
 */
export interface AppErrorOptions {
  code: string;
  httpStatus?: number;
  retryable?: boolean;
  cause?: unknown;
  /** extra fields that are safe to log and to show (never secrets) */
  details?: Record<string, unknown>;
  /** when a retry makes sense, how long to wait first (e.g. a provider's Retry-After) */
  retryAfterMs?: number | null;
}

export class AppError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;
  readonly retryAfterMs: number | null;

  constructor(message: string, options: AppErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.httpStatus = options.httpStatus ?? 500;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/**
 * What a missing thing most likely means to the person who pressed a button on a page that
 * was open for a while (issue 12: "Meeting 44db…9d2b0 was not found" told them nothing).
 */
const MISSING = {
  Meeting: { code: "meeting_not_found", message: "This meeting is no longer on your calendar (it was removed or the sandbox was started over)." },
  Alert: { code: "alert_not_found", message: "This alert is no longer there (the sandbox was started over, or its meeting was removed). Reload the page to see what is current." },
  Digest: { code: "alert_not_found", message: "This day summary is no longer there (the sandbox was started over, or its meetings were removed). Reload the page to see what is current." },
  Draft: { code: "draft_not_found", message: "This draft is no longer there (its meeting was removed, the miss was undone, or the sandbox was started over)." },
  "Recovery case": { code: "case_not_found", message: "This recovery plan is no longer there (the miss was undone, or the sandbox was started over)." },
  Connection: { code: "connection_not_found", message: "This calendar connection is no longer there (it was disconnected, or the sandbox was started over)." },
  "Zoom connection": { code: "zoom_not_connected", message: "No Zoom account is connected: there is nothing to disconnect." },
} as const;

export class NotFoundError extends AppError {
  constructor(what: keyof typeof MISSING, id: string) {
    super(MISSING[what].message, { code: MISSING[what].code, httpStatus: 404, details: { id } });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = "conflict") {
    super(message, { code, httpStatus: 409 });
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super(message, { code: "bad_configuration", httpStatus: 500 });
  }
}

/** The database could not be reached (yet). */
export class DatabaseUnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: "database_unavailable", httpStatus: 503, retryable: true, cause });
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
