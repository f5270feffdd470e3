import webPush from "web-push";
import { AppError, type VapidKeys } from "../../platform/index.js";
import { pinnedPost, type PinnedPostOptions } from "./pinned-post.js";
import { retryAfterMs } from "./retry-after.js";

/**
 * One Web Push message to one device (RFC 8030), its payload encrypted for that device
 * (RFC 8291, aes128gcm) and signed for the push service with our VAPID key (RFC 8292). The
 * web-push library does the cryptography (`generateRequestDetails`); the request itself goes
 * through pinned-post.ts like a webhook, since the endpoint is user input too (a browser can
 * be made to hand us any URL).
 *
 * What the push service says decides what happens next:
 * - 201 (or any 2xx): taken;
 * - 404 / 410: the subscription expired or was withdrawn: `gone`, the caller deletes it;
 * - 413: the payload is too large for this service: `too_large`, the caller sends it shorter;
 * - 408 / 429 / 5xx, timeouts, network errors: retryable, honouring Retry-After;
 * - other 4xx (400 malformed, 401/403 a VAPID key the service refuses): permanent.
 */
export interface WebPushOptions extends PinnedPostOptions {
  vapid: VapidKeys;
  /** the VAPID `sub`: mailto: or https: */
  subject: string;
}

export interface DeviceSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export type PushOutcome = { kind: "sent"; status: number } | { kind: "gone"; status: number } | { kind: "too_large" };

export interface PushMessage {
  payload: string;
  /** the push service keeps an undelivered message this long (the device is off) */
  ttlSeconds: number;
  urgency: "very-low" | "low" | "normal" | "high";
  /** a newer message with the same topic replaces one still waiting at the push service */
  topic?: string;
}

export async function pushToDevice(device: DeviceSubscription, message: PushMessage, options: WebPushOptions, now: () => Date): Promise<PushOutcome> {
  const details = webPush.generateRequestDetails({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, message.payload, {
    vapidDetails: { subject: options.subject, publicKey: options.vapid.publicKey, privateKey: options.vapid.privateKey },
    contentEncoding: "aes128gcm",
    TTL: message.ttlSeconds,
    urgency: message.urgency,
    ...(message.topic ? { topic: message.topic } : {}),
  });
  const headers: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(details.headers)) if (value !== undefined) headers[name] = value;
  const reply = await pinnedPost(details.endpoint, { headers, body: details.body }, { ...options, what: "push service" });
  const host = new URL(device.endpoint).host;
  if (reply.status >= 200 && reply.status < 300) return { kind: "sent", status: reply.status };
  if (reply.status === 404 || reply.status === 410) return { kind: "gone", status: reply.status };
  if (reply.status === 413) return { kind: "too_large" };
  const said = reply.body.replace(/\s+/g, " ").trim().slice(0, 200);
  const suffix = said ? `: ${said}` : "";
  const facts = { host, status: reply.status };
  if (reply.status === 408 || reply.status === 429 || reply.status >= 500) {
    return Promise.reject(
      new AppError(`The push service at ${host} is unavailable (HTTP ${reply.status})${suffix}`, {
        code: "push_unavailable",
        retryable: true,
        retryAfterMs: retryAfterMs(reply.headers["retry-after"], now()),
        details: facts,
      }),
    );
  }
  const hint = reply.status === 401 || reply.status === 403 ? " (the push service refuses our VAPID key: was it changed since the device subscribed?)" : "";
  return Promise.reject(new AppError(`The push service at ${host} refused the message (HTTP ${reply.status})${hint}${suffix}`, { code: "push_rejected", details: facts }));
}
