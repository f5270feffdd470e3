import { createECDH } from "node:crypto";
import { z } from "zod";
import type { Clock, Database } from "../platform/index.js";
import { AppError, errorMessage } from "../platform/index.js";
import { pushToDevice, type WebPushOptions } from "./delivery/web-push.js";
import { resolveWebhookTarget } from "./delivery/webhook-address.js";

/**
 * The user's devices that take Web Push (issue 15): one row per push service endpoint, owned
 * by one user. Subscribing again from the same browser (same endpoint) updates its keys; an
 * endpoint another user had moves to this user (the browser is theirs now: whoever signed in
 * on it last). Endpoints are secrets of a kind (anyone holding one with the keys can push to
 * the device): the API shows their host only.
 */
const base64url = /^[A-Za-z0-9_-]+={0,2}$/;

export const pushSubscriptionInput = z
  .object({
    endpoint: z.url({ protocol: /^https$/, error: "must be the https:// URL the browser's push service gave (PushSubscription.endpoint)" }).max(2000),
    expirationTime: z.number().nullable().optional().describe("as the browser gives it; not used"),
    keys: z
      .object({
        p256dh: z
          .string()
          .regex(base64url, { error: "must be base64url" })
          .refine(isP256Point, { error: "must be the browser's P-256 public key: 65 bytes, base64url (PushSubscription.getKey('p256dh'))" }),
        auth: z
          .string()
          .regex(base64url, { error: "must be base64url" })
          .refine((value) => Buffer.from(value, "base64url").length === 16, { error: "must be the browser's 16-byte auth secret, base64url (PushSubscription.getKey('auth'))" }),
      })
      .strict(),
    label: z.string().trim().min(1).max(80).optional().describe("what the device list calls it; the browser's name when left out"),
  })
  .strict()
  .meta({ id: "PushSubscriptionInput" });
export type PushSubscriptionInput = z.infer<typeof pushSubscriptionInput>;

export const pushDeviceView = z
  .object({
    id: z.uuid(),
    label: z.string(),
    host: z.string().describe("the push service's host (the endpoint itself stays secret)"),
    createdAt: z.iso.datetime(),
    lastSentAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "PushDevice" });
export type PushDeviceView = z.infer<typeof pushDeviceView>;

function isP256Point(value: string): boolean {
  const bytes = Buffer.from(value, "base64url");
  if (bytes.length !== 65 || bytes[0] !== 4) return false;
  try {
    // computeSecret refuses a point that is not on the curve.
    const probe = createECDH("prime256v1");
    probe.generateKeys();
    probe.computeSecret(bytes);
    return true;
  } catch {
    return false;
  }
}

function fieldError(field: string, message: string): AppError {
  return new AppError(message, { code: "validation_failed", httpStatus: 400, details: { field } });
}

export class PushSubscriptions {
  constructor(private readonly deps: { db: Database; clock: Clock; webPush: WebPushOptions | null }) {}

  /** The server's VAPID public key, for `pushManager.subscribe({ applicationServerKey })`; null: push is off. */
  get publicKey(): string | null {
    return this.deps.webPush?.vapid.publicKey ?? null;
  }

  async list(userId: string): Promise<PushDeviceView[]> {
    const rows = await this.deps.db.pushSubscription.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
    return rows.map((row) => ({ id: row.id, label: row.label, host: new URL(row.endpoint).host, createdAt: row.createdAt.toISOString(), lastSentAt: row.lastSentAt?.toISOString() ?? null }));
  }

  async subscribe(userId: string, input: PushSubscriptionInput, browserLabel: string): Promise<PushDeviceView> {
    if (!this.deps.webPush) throw new AppError("Web Push is off on this server (it has no VAPID key)", { code: "push_unavailable", httpStatus: 409 });
    try {
      // The same check as a webhook's: a browser can be made to hand us any URL, and we post to it.
      await resolveWebhookTarget(input.endpoint, { ...this.deps.webPush, allowHttp: false });
    } catch (error) {
      const words = errorMessage(error).replace("webhooks can only be sent to public internet addresses", "a push service is always on the public internet").replace(/webhook/gi, "push endpoint");
      throw fieldError("endpoint", words);
    }
    const label = input.label ?? browserLabel;
    const data = { userId, p256dh: input.keys.p256dh, auth: input.keys.auth, label };
    const row = await this.deps.db.pushSubscription.upsert({ where: { endpoint: input.endpoint }, create: { ...data, endpoint: input.endpoint, createdAt: this.deps.clock.now() }, update: data });
    return (await this.list(userId)).find((device) => device.id === row.id)!;
  }

  /** Forgets a device by its endpoint (the browser unsubscribing) or its id (the device list). */
  async unsubscribe(userId: string, which: { endpoint?: string | undefined; id?: string | undefined }): Promise<number> {
    const where = which.id ? { id: which.id, userId } : { endpoint: which.endpoint ?? "", userId };
    return (await this.deps.db.pushSubscription.deleteMany({ where })).count;
  }

  /**
   * The settings page's test button: a notification to every device of the user, now, with
   * what each push service said. Expired devices (404/410) are removed, as by an alert.
   */
  async test(userId: string): Promise<Array<{ id: string; label: string; outcome: "sent" | "removed" | "failed"; message: string }>> {
    const webPush = this.deps.webPush;
    if (!webPush) throw new AppError("Web Push is off on this server (it has no VAPID key)", { code: "push_unavailable", httpStatus: 409 });
    const devices = await this.deps.db.pushSubscription.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
    if (devices.length === 0) throw new AppError("No device is subscribed yet: press \u201cTurn on notifications on this device\u201d first", { code: "no_push_devices", httpStatus: 409 });
    const now = this.deps.clock.now();
    const payload = JSON.stringify({ title: "Makegood test", body: "Notifications reach this device. Alerts will look like this, with their answers as buttons.", tag: "makegood-test", renotify: true, url: "/", actions: [], timestamp: now.getTime() });
    const results = [];
    for (const device of devices) {
      try {
        const outcome = await pushToDevice(device, { payload, ttlSeconds: 300, urgency: "normal" }, webPush, () => this.deps.clock.now());
        if (outcome.kind === "gone") {
          await this.deps.db.pushSubscription.deleteMany({ where: { id: device.id } });
          results.push({ id: device.id, label: device.label, outcome: "removed" as const, message: "The push service no longer knows this device (it unsubscribed or expired): removed" });
        } else if (outcome.kind === "too_large") {
          results.push({ id: device.id, label: device.label, outcome: "failed" as const, message: "The push service refused even a short test message as too large" });
        } else {
          await this.deps.db.pushSubscription.update({ where: { id: device.id }, data: { lastSentAt: now } });
          results.push({ id: device.id, label: device.label, outcome: "sent" as const, message: "Sent" });
        }
      } catch (error) {
        results.push({ id: device.id, label: device.label, outcome: "failed" as const, message: errorMessage(error) });
      }
    }
    return results;
  }
}

/** "Chrome on Android" from a User-Agent, for a device the user did not name. */
export function browserLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? "";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "A browser";
  const system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
  return system ? `${browser} on ${system}` : browser;
}
