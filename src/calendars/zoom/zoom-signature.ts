import { createHmac, timingSafeEqual } from "node:crypto";

/** Zoom signs `v0:{x-zm-request-timestamp}:{raw body}`; older than this (or as far ahead) is refused as a replay. */
export const ZOOM_WEBHOOK_TOLERANCE_MS = 5 * 60_000;

export type ZoomSignatureCheck = "valid" | "unsigned" | "stale" | "bad_signature";

/** `v0=` + HMAC-SHA256 (hex) of `v0:{timestamp}:{body}` keyed with the app's secret token. */
export function zoomSignature(secretToken: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac("sha256", secretToken).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
}

/**
 * Checks a webhook as Zoom documents it: the `x-zm-signature` over the raw bytes (a body parsed
 * and serialised again would not match), compared in constant time, and the
 * `x-zm-request-timestamp` (seconds) within a few minutes of our clock.
 */
export function checkZoomSignature(params: { secretToken: string; signature: string | undefined; timestamp: string | undefined; rawBody: string; now: Date }): ZoomSignatureCheck {
  const { signature, timestamp } = params;
  if (!signature || !timestamp) return "unsigned";
  if (!/^\d{1,12}$/.test(timestamp)) return "bad_signature";
  const expected = Buffer.from(zoomSignature(params.secretToken, timestamp, params.rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "bad_signature";
  if (Math.abs(params.now.getTime() - Number(timestamp) * 1000) > ZOOM_WEBHOOK_TOLERANCE_MS) return "stale";
  return "valid";
}

/** The `endpoint.url_validation` answer: the plain token and its HMAC-SHA256 (hex) with the secret token. */
export function urlValidationAnswer(secretToken: string, plainToken: string): { plainToken: string; encryptedToken: string } {
  return { plainToken, encryptedToken: createHmac("sha256", secretToken).update(plainToken).digest("hex") };
}
