import { AppError } from "../platform/index.js";

/**
 * Provider failures, classified where they happen so the caller decides by kind, never by
 * parsing messages:
 * - rate_limited: back off (retryAfterMs when the provider said), then catch up
 * - auth_revoked: the refresh token is dead (invalid_grant); needs the user, never retried
 * - cursor_expired: the sync token / delta link is gone (410): full resync
 * - not_found: the resource does not exist (or no longer)
 * - forbidden: the account may not do this (e.g. not the organiser)
 * - transient: 5xx, network; retry with backoff
 * - invalid: our request was wrong; retrying will not help
 */
export type ProviderErrorKind = "rate_limited" | "auth_revoked" | "cursor_expired" | "not_found" | "forbidden" | "transient" | "invalid";

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(["rate_limited", "transient"]);

export class ProviderError extends AppError {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  /**
   * The provider's own error code (Graph `error.code`, e.g. "AuthenticationError"), for the few
   * callers that must tell two failures of one status apart; never parse the message for it.
   */
  readonly providerCode: string | null;

  constructor(provider: string, kind: ProviderErrorKind, message: string, options: { cause?: unknown; retryAfterMs?: number | null; status?: number; providerCode?: string | null } = {}) {
    super(message, {
      code: `provider_${kind}`,
      httpStatus: 502,
      retryable: RETRYABLE.has(kind),
      cause: options.cause,
      details: { provider, kind, status: options.status ?? null },
      retryAfterMs: options.retryAfterMs ?? null,
    });
    this.kind = kind;
    this.provider = provider;
    this.providerCode = options.providerCode ?? null;
  }
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}
