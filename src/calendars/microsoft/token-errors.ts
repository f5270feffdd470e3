import { z } from "zod";
import { ProviderError, parseRetryAfter, type ProviderErrorKind } from "../provider-error.js";
import { PROVIDER } from "./endpoints.js";

/** The identity platform's error body (v2 "Error response"): error, error_description "AADSTSnnnn: …", error_codes. */
const identityErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
});

/**
 * Errors after which only the user can help (they never succeed on retry), as the identity platform
 * documents them: invalid_grant covers an expired, revoked or already-redeemed code or refresh token
 * (AADSTS70008 expired by inactivity, 700082 refresh token expired, 50173 grant revoked after a
 * password change, 54005 code already redeemed, 500117 reply URI mismatch); interaction_required and
 * consent_required (AADSTS50076/50079 MFA, 65001 consent) need a new interactive sign-in.
 */
const NEEDS_USER = new Set(["invalid_grant", "interaction_required", "consent_required", "login_required"]);
/** "temporarily_unavailable": the server is too busy; retry later. */
const TRANSIENT = new Set(["temporarily_unavailable", "server_error"]);

/** Classifies a non-2xx token endpoint answer. */
export async function tokenEndpointFailure(response: Response, operation: string, now: Date): Promise<ProviderError> {
  const text = await response.text().catch(() => "");
  const parsed = identityErrorSchema.safeParse(safeJson(text));
  const error = parsed.success ? parsed.data.error : "";
  const aadsts = parsed.success ? (parsed.data.error_codes ?? []).map((code) => `AADSTS${code}`).join(",") : "";
  const kind = kindFor(response.status, error);
  const retryAfter = response.headers.get("retry-after");
  // error_description holds trace ids and a timestamp, never secrets; the codes are what an operator needs.
  const summary = [error || `HTTP ${response.status}`, aadsts].filter(Boolean).join(" ");
  return new ProviderError(PROVIDER, kind, `Microsoft token endpoint ${operation} failed: ${summary}`, {
    status: response.status,
    retryAfterMs: kind === "rate_limited" ? parseRetryAfter(retryAfter, now) : null,
  });
}

function kindFor(status: number, error: string): ProviderErrorKind {
  if (status === 429) return "rate_limited";
  if (NEEDS_USER.has(error)) return "auth_revoked";
  if (TRANSIENT.has(error) || status >= 500 || status === 408) return "transient";
  // invalid_client, unauthorized_client, invalid_request, invalid_scope…: our configuration or request.
  return "invalid";
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
