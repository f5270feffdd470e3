import { z } from "zod";
import { googleErrorBody } from "./google/errors.js";
import { graphErrorBody } from "./microsoft/errors.js";

export const faultInputSchema = z.object({
  /** HTTP method to match; any when omitted. */
  method: z.string().optional(),
  /** Path glob: `*` matches within a segment, `**` across segments, e.g. "/calendar/v3/calendars/*\/events". */
  path: z.string(),
  /**
   * drop: the connection is closed before the request is handled (nothing happened);
   * acceptThenDrop: the request is handled (a message is sent, an event written) and the connection
   * closed instead of the answer, as when a client times out after the provider accepted.
   */
  kind: z.enum(["rateLimit", "serverError", "forbidden", "delay", "drop", "acceptThenDrop"]),
  /** How many matching requests are affected (default 1). */
  times: z.number().int().positive().default(1),
  /** How many matching requests pass untouched first (default 0): "page 3 of a round" is skip 2. */
  skip: z.number().int().nonnegative().default(0),
  /** rateLimit: seconds for Retry-After (omit to send no Retry-After). */
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  /** rateLimit on Google: the 429 RESOURCE_EXHAUSTED form or the legacy 403 forms. */
  googleForm: z.enum(["429", "403-rateLimitExceeded", "403-userRateLimitExceeded"]).default("429"),
  /** serverError: 500, 502, 503 or 504. */
  status: z.number().int().min(500).max(599).default(503),
  /** delay: milliseconds before the request is handled normally. */
  delayMs: z.number().int().nonnegative().default(0),
});

export type FaultInput = z.input<typeof faultInputSchema>;
type FaultRule = z.output<typeof faultInputSchema> & { remaining: number; toSkip: number };

export interface FaultResponse {
  status: number;
  headers: Record<string, string>;
  body: object;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*\*/g, "\u0000").replace(/\*/g, "[^/]*").replace(/\u0000/g, ".*");
  return new RegExp(`^${escaped}$`);
}

function isMicrosoftPath(path: string): boolean {
  return path.startsWith("/v1.0/") || path.startsWith("/beta/") || /^\/[^/]+\/oauth2\/v2\.0\//.test(path);
}

function isZoomPath(path: string): boolean {
  return path.startsWith("/zoom/");
}

function rateLimitResponse(rule: FaultRule, path: string): FaultResponse {
  const headers: Record<string, string> = rule.retryAfterSeconds === undefined ? {} : { "retry-after": String(rule.retryAfterSeconds) };
  if (isZoomPath(path)) {
    // Zoom's rate limits: 429 with code 429, Retry-After (and X-RateLimit-* headers) when it says when.
    return { status: 429, headers: { ...headers, "x-ratelimit-category": "Medium", "x-ratelimit-type": "QPS" }, body: { code: 429, message: "You have reached the maximum per-second rate limit for this API. Try again later." } };
  }
  if (isMicrosoftPath(path)) {
    // Graph throttling guidance: 429 TooManyRequests with Retry-After.
    return { status: 429, headers, body: graphErrorBody("TooManyRequests", "Too many requests, please try again later.") };
  }
  if (rule.googleForm === "429") {
    return { status: 429, headers, body: googleErrorBody(429, "Rate Limit Exceeded", { domain: "usageLimits", reason: "rateLimitExceeded" }) };
  }
  const reason = rule.googleForm === "403-rateLimitExceeded" ? "rateLimitExceeded" : "userRateLimitExceeded";
  const message = reason === "rateLimitExceeded" ? "Rate Limit Exceeded" : "User Rate Limit Exceeded";
  return { status: 403, headers, body: googleErrorBody(403, message, { domain: "usageLimits", reason }) };
}

function serverErrorResponse(rule: FaultRule, path: string): FaultResponse {
  if (isZoomPath(path)) return { status: rule.status, headers: {}, body: { code: rule.status, message: "Internal server error. Try again later." } };
  if (isMicrosoftPath(path)) {
    const code = rule.status === 503 ? "serviceNotAvailable" : rule.status === 504 ? "timeout" : "generalException";
    return { status: rule.status, headers: {}, body: graphErrorBody(code, "The service is temporarily unavailable.") };
  }
  return { status: rule.status, headers: {}, body: googleErrorBody(rule.status, "Backend Error", { reason: "backendError" }) };
}

/**
 * A refusal for want of permission (a grant without the scope, an admin policy): Google's
 * PERMISSION_DENIED form, Graph's ErrorAccessDenied. Not retryable, unlike the others.
 */
function forbiddenResponse(path: string): FaultResponse {
  if (isMicrosoftPath(path)) return { status: 403, headers: {}, body: graphErrorBody("ErrorAccessDenied", "Access is denied. Check credentials and try again.") };
  return { status: 403, headers: {}, body: googleErrorBody(403, "The caller does not have permission", { reason: "forbidden" }) };
}

/** Fault injection by method + path: N throttled answers, N server errors, or added latency. */
export class FaultInjector {
  private rules: FaultRule[] = [];

  add(input: FaultInput): void {
    const rule = faultInputSchema.parse(input);
    this.rules.push({ ...rule, remaining: rule.times, toSkip: rule.skip, path: rule.path });
  }

  clear(): void {
    this.rules = [];
  }

  /** Consumes one use of the first matching rule. */
  take(method: string, path: string): { delayMs: number } | { drop: "before" | "after" } | { response: FaultResponse } | undefined {
    const rule = this.rules.find((candidate) => candidate.remaining > 0
      && (!candidate.method || candidate.method.toUpperCase() === method.toUpperCase())
      && globToRegExp(candidate.path).test(path));
    if (!rule) return undefined;
    if (rule.toSkip > 0) {
      rule.toSkip -= 1;
      return undefined;
    }
    rule.remaining -= 1;
    if (rule.kind === "delay") return { delayMs: rule.delayMs };
    if (rule.kind === "drop") return { drop: "before" };
    if (rule.kind === "acceptThenDrop") return { drop: "after" };
    if (rule.kind === "forbidden") return { response: forbiddenResponse(path) };
    return { response: rule.kind === "rateLimit" ? rateLimitResponse(rule, path) : serverErrorResponse(rule, path) };
  }
}
