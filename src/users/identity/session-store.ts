import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../../platform/index.js";
import type { Clock } from "../../platform/index.js";

/**
 * Server-side sessions. The browser holds a random token (in a signed, httpOnly cookie);
 * the row is keyed by the token's SHA-256, so a copy of the table opens no session.
 * Sessions are revocable (sign-out, "sign out everywhere") and expire.
 */
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** lastSeenAt is refreshed at most this often, so reads do not all become writes */
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export interface SessionUser {
  sessionId: string;
  userId: string;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export class SessionStore {
  constructor(private readonly db: Database, private readonly clock: Clock) {}

  /** Creates a session and returns the token for the cookie. */
  async create(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString("base64url");
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    await this.db.session.create({ data: { id: hashToken(token), userId, createdAt: now, lastSeenAt: now, expiresAt } });
    return { token, expiresAt };
  }

  async resolve(token: string): Promise<SessionUser | undefined> {
    const id = hashToken(token);
    const session = await this.db.session.findUnique({ where: { id }, select: { userId: true, expiresAt: true, revokedAt: true, lastSeenAt: true } });
    const now = this.clock.now();
    if (!session || session.revokedAt || session.expiresAt <= now) return undefined;
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.db.session.update({ where: { id }, data: { lastSeenAt: now } });
    }
    return { sessionId: id, userId: session.userId };
  }

  async revoke(token: string): Promise<void> {
    await this.db.session.updateMany({ where: { id: hashToken(token), revokedAt: null }, data: { revokedAt: this.clock.now() } });
  }

  async revokeAllFor(userId: string): Promise<number> {
    const { count } = await this.db.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: this.clock.now() } });
    return count;
  }
}
