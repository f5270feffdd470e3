import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { KeyRing } from "../platform/index.js";

/**
 * One-click "I'm here" links: a signed, single-purpose, expiring token naming one meeting
 * of one user. It needs no login and reveals nothing (the meeting is looked up server-side);
 * using it twice records the same check-in, so a replay is harmless.
 */
const claims = z.object({ p: z.literal("check_in"), m: z.uuid(), u: z.uuid(), e: z.number().int() });
export type CheckInClaims = { meetingId: string; userId: string; expiresAt: Date };

function keysFrom(ring: KeyRing): Buffer[] {
  return ring.all.map((key) => Buffer.from(hkdfSync("sha256", key.key, Buffer.alloc(0), "makegood check-in link v1", 32)));
}

export class CheckInLinks {
  private readonly keys: Buffer[];

  constructor(ring: KeyRing, private readonly publicUrl: string) {
    this.keys = keysFrom(ring);
  }

  url(meetingId: string, userId: string, expiresAt: Date): string {
    const payload = Buffer.from(JSON.stringify({ p: "check_in", m: meetingId, u: userId, e: Math.floor(expiresAt.getTime() / 1000) })).toString("base64url");
    const signature = createHmac("sha256", this.keys[0]!).update(payload).digest("base64url");
    return `${this.publicUrl}/check-in/${payload}.${signature}`;
  }

  verify(token: string, now: Date): { ok: true; claims: CheckInClaims } | { ok: false; reason: "malformed" | "bad_signature" | "expired" } {
    const [payload, signature] = token.split(".");
    if (!payload || !signature) return { ok: false, reason: "malformed" };
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
    return { ok: true, claims: { meetingId: parsed.data.m, userId: parsed.data.u, expiresAt: new Date(parsed.data.e * 1000) } };
  }
}
