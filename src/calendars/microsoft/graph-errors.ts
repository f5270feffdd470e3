import { GraphError } from "@microsoft/microsoft-graph-client";
import { ProviderError, parseRetryAfter, type ProviderErrorKind } from "../provider-error.js";
import { PROVIDER } from "./endpoints.js";

/** Graph error codes that mean a delta token can no longer be used ("Delta query overview: synchronization reset"). */
const RESYNC_CODES = new Set(["syncstatenotfound", "syncstateinvalid", "resyncrequired"]);

export interface FailureContext {
  /** what we were doing, in words, for the message ("list calendars") */
  operation: string;
  /** true for delta rounds: 410 Gone and the resync codes mean "start a full sync" */
  isDelta?: boolean;
}

/**
 * Turns whatever a Graph call threw into a ProviderError, following Graph's documented behaviour:
 * - 429 (throttling guidance) and 503/509 with Retry-After: rate_limited, honouring Retry-After;
 * - 401 reaching here has already been retried once with a fresh token (graph-client.ts). The token
 *   source just proved the grant alive (a dead refresh token throws auth_revoked from there), so a
 *   second 401 is not "revoked": it is Graph refusing a token it should accept (propagation delay,
 *   a Continuous Access Evaluation challenge, clock skew). We call it transient: the runner retries
 *   with backoff and parks the task after its attempt limit, which surfaces a persistent problem
 *   without wrongly marking the connection as needing re-authorisation.
 * - 403: forbidden; 404: not_found; 410: cursor_expired on delta, not_found elsewhere (gone);
 * - 408 and other 5xx and network failures (status -1): transient; other 4xx: invalid.
 */
export function classifyGraphFailure(error: unknown, context: FailureContext, now: Date): ProviderError {
  if (error instanceof ProviderError) return error;
  if (!(error instanceof GraphError)) {
    return new ProviderError(PROVIDER, "transient", `Microsoft Graph ${context.operation} failed: ${describe(error)}`, { cause: error });
  }
  const status = error.statusCode;
  const code = error.code ?? "";
  const retryAfter = error.headers?.get("retry-after") ?? null;
  const kind = kindFor(status, code, retryAfter !== null, context.isDelta === true);
  const detail = status > 0 ? `${status} ${code}`.trim() : "network error";
  return new ProviderError(PROVIDER, kind, `Microsoft Graph ${context.operation} failed: ${detail}: ${error.message}`, {
    cause: error,
    status: status > 0 ? status : undefined,
    providerCode: code || null,
    retryAfterMs: kind === "rate_limited" ? parseRetryAfter(retryAfter, now) : null,
  });
}

function kindFor(status: number, code: string, hasRetryAfter: boolean, isDelta: boolean): ProviderErrorKind {
  if (isDelta && (status === 410 || RESYNC_CODES.has(code.toLowerCase()))) return "cursor_expired";
  if (status === 429) return "rate_limited";
  if ((status === 503 || status === 509) && hasRetryAfter) return "rate_limited";
  if (status <= 0 || status >= 500 || status === 408 || status === 401) return "transient";
  if (status === 403) return "forbidden";
  if (status === 404 || status === 410) return "not_found";
  return "invalid";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
