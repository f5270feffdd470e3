import { z } from "zod";
import { ProviderError, parseRetryAfter } from "../provider-error.js";

/** Where the self-hoster's Zoom app talks to Zoom (tests point both at the emulator). */
export interface ZoomEndpoints {
  /** https://zoom.us: /oauth/authorize, /oauth/token, /oauth/revoke */
  authUrl: string;
  /** https://api.zoom.us/v2 */
  apiUrl: string;
}

/** Zoom's error bodies: the REST API's `{code, message}`, the OAuth server's `{reason, error}`. */
const zoomErrorBody = z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional(), reason: z.string().optional(), error: z.string().optional() }).loose();

/**
 * A Zoom answer that is not 2xx, classified where it happens: 429 (Zoom's rate limits, with
 * Retry-After when it gives one) back off; 5xx and network failures are transient; 404 (code
 * 3001 "Meeting does not exist", 1001 no such user) is not_found; 401 on the token endpoint is a
 * dead grant; 403 forbidden (a scope the app lacks); anything else our request was wrong.
 */
export async function zoomFailure(response: Response, what: string, now: Date, options: { tokenEndpoint?: boolean } = {}): Promise<ProviderError> {
  const text = await response.text().catch(() => "");
  let parsed: z.infer<typeof zoomErrorBody> = {};
  try {
    parsed = zoomErrorBody.parse(JSON.parse(text));
  } catch {
    // not JSON: the status says enough
  }
  const detail = parsed.message ?? parsed.reason ?? parsed.error ?? `HTTP ${response.status}`;
  const message = `${what}: ${detail}`;
  const common = { status: response.status, providerCode: parsed.code === undefined ? (parsed.error ?? null) : String(parsed.code) };
  if (response.status === 429) return new ProviderError("zoom", "rate_limited", message, { ...common, retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), now) });
  if (response.status >= 500) return new ProviderError("zoom", "transient", message, common);
  if (options.tokenEndpoint && (response.status === 400 || response.status === 401)) return new ProviderError("zoom", "auth_revoked", message, common);
  if (response.status === 401) return new ProviderError("zoom", "auth_revoked", message, common);
  if (response.status === 404) return new ProviderError("zoom", "not_found", message, common);
  if (response.status === 403) return new ProviderError("zoom", "forbidden", message, common);
  return new ProviderError("zoom", "invalid", message, common);
}

/** fetch, with a network failure turned into a transient ProviderError. */
export async function zoomFetch(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  } catch (error) {
    throw new ProviderError("zoom", "transient", `${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
