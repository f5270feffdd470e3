import type { AccessTokenSource } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import { raiseAlert } from "../../alerts/index.js";
import type { Clock, Database, Logger, Prisma, TokenSealer } from "../../platform/index.js";
import { NeedsReauthorisationError } from "../connections/connection-tokens.js";
import { refreshZoomToken, type ZoomApp } from "./zoom-oauth.js";
import { refreshUserEvidenceSources } from "../sync/evidence-sources.js";

const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * The access token of a Zoom connection, refreshed before expiry under the row's lock: Zoom
 * rotates refresh tokens, so two workers refreshing at once would leave one holding a dead
 * token. A dead grant marks the connection needs_reauth, raises one alert per grant, and turns
 * the user's hosted Zoom meetings back to check-in only (nothing can see them any more).
 */
export class ZoomTokens implements AccessTokenSource {
  private cached: { token: string; expiresAt: Date } | undefined;
  private rejected: string | undefined;

  constructor(
    private readonly zoomConnectionId: string,
    private readonly deps: { db: Database; sealer: TokenSealer; app: ZoomApp; clock: Clock; log: Logger },
  ) {}

  invalidate(): void {
    if (this.cached) this.rejected = this.cached.token;
    this.cached = undefined;
  }

  async accessToken(): Promise<string> {
    if (this.cached && this.fresh(this.cached.expiresAt)) return this.cached.token;
    const row = await this.deps.db.zoomConnection.findUniqueOrThrow({ where: { id: this.zoomConnectionId }, select: { status: true, accessTokenSealed: true, accessTokenExpiresAt: true } });
    if (row.status !== "active") throw new NeedsReauthorisationError(this.zoomConnectionId);
    if (row.accessTokenSealed && row.accessTokenExpiresAt && this.fresh(row.accessTokenExpiresAt)) {
      const token = this.deps.sealer.open(row.accessTokenSealed, this.zoomConnectionId);
      if (token !== this.rejected) {
        this.cached = { token, expiresAt: row.accessTokenExpiresAt };
        return token;
      }
    }
    this.cached = await this.refresh();
    return this.cached.token;
  }

  private fresh(expiresAt: Date): boolean {
    return expiresAt.getTime() - this.deps.clock.now().getTime() > REFRESH_MARGIN_MS;
  }

  private async refresh(): Promise<{ token: string; expiresAt: Date }> {
    const { db, sealer, app, log } = this.deps;
    const outcome = await db.$transaction(
      async (tx) => {
        await tx.$queryRaw`select id from zoom_connections where id = ${this.zoomConnectionId}::uuid for update`;
        const row = await tx.zoomConnection.findUniqueOrThrow({ where: { id: this.zoomConnectionId } });
        if (row.status !== "active") return { kind: "revoked" as const };
        if (row.accessTokenSealed && row.accessTokenExpiresAt && this.fresh(row.accessTokenExpiresAt)) {
          const stored = sealer.open(row.accessTokenSealed, row.id);
          if (stored !== this.rejected) return { kind: "ok" as const, token: stored, expiresAt: row.accessTokenExpiresAt };
        }
        if (!row.refreshTokenSealed) return this.markRevoked(tx, row, "no refresh token was issued");
        try {
          const refreshToken = sealer.open(row.refreshTokenSealed, row.id);
          const tokens = await refreshZoomToken(app, refreshToken);
          await tx.zoomConnection.update({
            where: { id: row.id },
            data: {
              accessTokenSealed: sealer.seal(tokens.accessToken, row.id),
              // Zoom rotates: the new refresh token replaces the old, which no longer works.
              refreshTokenSealed: sealer.seal(tokens.refreshToken ?? refreshToken, row.id),
              tokenKeyId: sealer.currentKeyId,
              accessTokenExpiresAt: tokens.expiresAt,
            },
          });
          log.debug({ zoomConnectionId: row.id, rotated: Boolean(tokens.refreshToken) }, "Zoom access token refreshed");
          return { kind: "ok" as const, token: tokens.accessToken, expiresAt: tokens.expiresAt };
        } catch (error) {
          if (error instanceof ProviderError && error.kind === "auth_revoked") return this.markRevoked(tx, row, error.message);
          throw error;
        }
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
    if (outcome.kind === "revoked") throw new NeedsReauthorisationError(this.zoomConnectionId);
    return { token: outcome.token, expiresAt: outcome.expiresAt };
  }

  private async markRevoked(tx: Prisma.TransactionClient, row: { id: string; userId: string; accountEmail: string; authorizedAt: Date }, reason: string): Promise<{ kind: "revoked" }> {
    const now = this.deps.clock.now();
    await tx.zoomConnection.update({ where: { id: row.id }, data: { status: "needs_reauth", lastError: `Access was revoked: ${reason}`, lastErrorAt: now } });
    await raiseAlert(tx, {
      userId: row.userId,
      kind: "needs_reauth",
      idempotencyKey: `needs_reauth:zoom:${row.id}:${row.authorizedAt.toISOString()}`,
      title: "Reconnect Zoom",
      body: `Makegood can no longer see the Zoom meetings ${row.accountEmail} hosts: access was revoked or has expired. Until you connect Zoom again, tap I'm here in them.`,
    }, now);
    await refreshUserEvidenceSources(tx, row.userId, now);
    this.deps.log.warn({ zoomConnectionId: row.id, reason }, "Zoom connection needs re-authorisation");
    return { kind: "revoked" };
  }
}
