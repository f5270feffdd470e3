import { z } from "zod";
import { ProviderError, parseRetryAfter } from "../provider-error.js";

/** The parts of a gaxios error we read; SDK types stay out of the signatures. */
const httpFailure = z.object({
  status: z.number().optional(),
  code: z.union([z.string(), z.number()]).optional(),
  message: z.string().optional(),
  response: z
    .object({
      status: z.number().optional(),
      headers: z.unknown().optional(),
      data: z.unknown().optional(),
    })
    .optional(),
});

/** Google's error body: { error: { code, message, errors: [{ reason }], status } }. */
const googleErrorBody = z.object({
  error: z.union([
    z.object({
      message: z.string().optional(),
      status: z.string().optional(),
      errors: z.array(z.object({ reason: z.string().optional() })).optional(),
    }),
    z.string(),
  ]),
  error_description: z.string().optional(),
});

const RATE_LIMIT_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"]);

function header(headers: unknown, name: string): string | undefined {
  if (headers && typeof headers === "object" && "get" in headers && typeof headers.get === "function") {
    const value: unknown = headers.get(name);
    return typeof value === "string" ? value : undefined;
  }
  if (headers && typeof headers === "object") {
    const value = (headers as Record<string, unknown>)[name.toLowerCase()];
    return typeof value === "string" ? value : undefined;
  }
  return undefined;
}

/**
 * Classifies a failed Google call: 429 and 403 rateLimitExceeded/userRateLimitExceeded are
 * throttling (honour Retry-After), 410 on a sync token means a full resync, invalid_grant
 * means the grant is gone, 5xx and network errors are transient.
 */
export function classifyGoogleError(error: unknown, now: Date, context: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const parsed = httpFailure.safeParse(error);
  const failure = parsed.success ? parsed.data : {};
  const status = failure.response?.status ?? failure.status ?? (typeof failure.code === "number" ? failure.code : undefined);
  const body = googleErrorBody.safeParse(failure.response?.data);
  const detail = body.success ? (typeof body.data.error === "string" ? body.data.error : body.data.error) : undefined;
  const reasons = detail && typeof detail === "object" ? (detail.errors ?? []).map((e) => e.reason ?? "") : [];
  const message = `${context}: ${detail && typeof detail === "object" ? (detail.message ?? `HTTP ${status}`) : (detail ?? failure.message ?? "request failed")}`;
  const retryAfterMs = parseRetryAfter(header(failure.response?.headers, "retry-after"), now);
  const options = { cause: error, retryAfterMs, ...(status === undefined ? {} : { status }) };

  if (detail === "invalid_grant" || (body.success && typeof body.data.error === "string" && body.data.error === "invalid_grant")) {
    return new ProviderError("google", "auth_revoked", `${context}: the grant was revoked or expired (invalid_grant)`, options);
  }
  if (status === undefined) return new ProviderError("google", "transient", `${context}: ${failure.message ?? "network error"}`, options);
  if (status === 429 || (status === 403 && reasons.some((r) => RATE_LIMIT_REASONS.has(r)))) return new ProviderError("google", "rate_limited", message, options);
  if (status === 410) return new ProviderError("google", reasons.includes("fullSyncRequired") || context.includes("sync") ? "cursor_expired" : "not_found", message, options);
  if (status === 404) return new ProviderError("google", "not_found", message, options);
  if (status === 401 || status === 403) return new ProviderError("google", "forbidden", message, options);
  if (status >= 500) return new ProviderError("google", "transient", message, options);
  return new ProviderError("google", "invalid", message, options);
}
