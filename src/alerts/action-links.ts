import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { KeyRing } from "../platform/index.js";
import { ALERT_ACTIONS, type AlertAction } from "./domain/index.js";

/**
 * Signed answers to an alert (issue 15): "I'm here", "Running 10 min late", "Yes, I missed it",
 * "I was there" from a lock screen, ntfy or Slack, without a session. Like the check-in link
 * (detection/check-in-links.ts): a token names one alert of one user and one answer, expires,
 * and is signed with a key derived from the token keys for this purpose only, so a check-in
 * token is never an answer token nor the other way round. It reveals nothing (the alert is
 * looked up server-side) and answering twice gives the same result. Tokens are secrets: the
 * request log redacts `/alert-action/…` paths as it does `/check-in/…`.
 */
const claims = z.object({ p: z.literal("alert_action"), a: z.uuid(), u: z.uuid(), k: z.enum(ALERT_ACTIONS), e: z.number().int() });
export interface AlertActionClaims {
  alertId: string;
  userId: string;
  action: AlertAction;
  expiresAt: Date;
}
export type AlertActionVerdict = { ok: true; claims: AlertActionClaims } | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

export const ALERT_ACTION_PATH = "/alert-action/";

export class AlertActionLinks {
  private readonly keys: Buffer[];

  constructor(ring: KeyRing, private readonly publicUrl: string) {
    this.keys = ring.all.map((key) => Buffer.from(hkdfSync("sha256", key.key, Buffer.alloc(0), "makegood alert action link v1", 32)));
  }

  url(input: { alertId: string; userId: string; action: AlertAction; expiresAt: Date }): string {
    const payload = Buffer.from(JSON.stringify({ p: "alert_action", a: input.alertId, u: input.userId, k: input.action, e: Math.floor(input.expiresAt.getTime() / 1000) })).toString("base64url");
    const signature = createHmac("sha256", this.keys[0]!).update(payload).digest("base64url");
    return `${this.publicUrl}${ALERT_ACTION_PATH}${payload}.${signature}`;
  }

  verify(token: string, now: Date): AlertActionVerdict {
    const [payload, signature, extra] = token.split(".");
    if (!payload || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
    const given = Buffer.from(signature, "base64url");
    const valid = this.keys.some((key) => {
      const expected = createHmac("sha256", key).update(payload).digest();
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!valid) return { ok: false, reason: "bad_signature" };
    let parsed;
    try {
      parsed = claims.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    } catch {
      return { ok: false, reason: "malformed" };
    }
    if (!parsed.success) return { ok: false, reason: "malformed" };
    if (parsed.data.e * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
    return { ok: true, claims: { alertId: parsed.data.a, userId: parsed.data.u, action: parsed.data.k, expiresAt: new Date(parsed.data.e * 1000) } };
  }
}
