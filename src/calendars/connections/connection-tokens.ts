import type { AccessTokenSource, OAuthProvider } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import { raiseAlert } from "../../alerts/index.js";
import type { Database } from "../../platform/index.js";
import type { Clock } from "../../platform/index.js";
import { AppError } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import type { TokenSealer } from "../../platform/index.js";
import { label } from "./connect-flow.js";

/** Refresh this long before expiry, so a token never expires in the middle of a sync round. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** The connection can no longer act for the user until they connect it again. */
export class NeedsReauthorisationError extends AppError {
  constructor(connectionId: string, cause?: unknown) {
    super("The calendar connection needs re-authorisation: connect the account again", {
      code: "needs_reauth",
      httpStatus: 409,
      retryable: false,
      cause,
      details: { connectionId },
    });
  }
}

/**
 * The access token of one connection, refreshed before expiry. Refreshing happens under a
 * row lock, so two workers (or two instances) never refresh at once — which matters with
 * Microsoft, whose refresh tokens rotate. A revoked grant marks the connection
 * `needs_reauth` and raises exactly one alert for that grant.
 */
export class ConnectionTokens implements AccessTokenSource {
  private cached: { token: string; expiresAt: Date } | undefined;
  /** the token the provider refused although it looked valid: never handed out again */
  private rejected: string | undefined;

  constructor(
    private readonly connectionId: string,
    private readonly deps: { db: Database; sealer: TokenSealer; oauth: OAuthProvider; clock: Clock; log: Logger },
  ) {}

  invalidate(): void {
    // The stored row still holds the refused token with its old expiry: remember it, so the
    // retry refreshes instead of reading the same dead token back (a grant revoked early).
    if (this.cached) this.rejected = this.cached.token;
    this.cached = undefined;
  }

  async accessToken(): Promise<string> {
    if (this.cached && this.fresh(this.cached.expiresAt)) return this.cached.token;
    const row = await this.deps.db.connection.findUniqueOrThrow({
      where: { id: this.connectionId },
      select: { status: true, accessTokenSealed: true, accessTokenExpiresAt: true },
    });
    if (row.status !== "active") throw new NeedsReauthorisationError(this.connectionId);
    if (row.accessTokenSealed && row.accessTokenExpiresAt && this.fresh(row.accessTokenExpiresAt)) {
      const token = this.deps.sealer.open(row.accessTokenSealed, this.connectionId);
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
    const { db, sealer, oauth, log } = this.deps;
    const outcome = await db.$transaction(
      async (tx) => {
        // Lock the row; whoever waited here finds the token another worker just refreshed.
        await tx.$queryRaw`select id from connections where id = ${this.connectionId}::uuid for update`;
        const row = await tx.connection.findUniqueOrThrow({ where: { id: this.connectionId } });
        if (row.status !== "active") return { kind: "revoked" as const };
        if (row.accessTokenSealed && row.accessTokenExpiresAt && this.fresh(row.accessTokenExpiresAt)) {
          const stored = sealer.open(row.accessTokenSealed, row.id);
          if (stored !== this.rejected) return { kind: "ok" as const, token: stored, expiresAt: row.accessTokenExpiresAt };
        }
        if (!row.refreshTokenSealed) return this.markRevoked(tx, row, "no refresh token was issued");
        try {
          const refreshToken = sealer.open(row.refreshTokenSealed, row.id);
          const tokens = await oauth.refresh(refreshToken);
          await tx.connection.update({
            where: { id: row.id },
            data: {
              accessTokenSealed: sealer.seal(tokens.accessToken, row.id),
              // Re-sealed even when not rotated (Google), so both tokens and tokenKeyId name the newest key.
              refreshTokenSealed: sealer.seal(tokens.refreshToken ?? refreshToken, row.id),
              tokenKeyId: sealer.currentKeyId,
              accessTokenExpiresAt: tokens.expiresAt,
            },
          });
          log.debug({ connectionId: row.id, rotated: Boolean(tokens.refreshToken) }, "access token refreshed");
          return { kind: "ok" as const, token: tokens.accessToken, expiresAt: tokens.expiresAt };
        } catch (error) {
          if (error instanceof ProviderError && error.kind === "auth_revoked") return this.markRevoked(tx, row, error.message);
          throw error;
        }
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
    if (outcome.kind === "revoked") throw new NeedsReauthorisationError(this.connectionId);
    return { token: outcome.token, expiresAt: outcome.expiresAt };
  }

  private async markRevoked(
    tx: Parameters<Parameters<Database["$transaction"]>[0]>[0],
    row: { id: string; userId: string; provider: string; accountEmail: string; authorizedAt: Date },
    reason: string,
  ): Promise<{ kind: "revoked" }> {
    await tx.connection.update({ where: { id: row.id }, data: { status: "needs_reauth", lastSyncError: `Access was revoked: ${reason}`, lastErrorAt: this.deps.clock.now() } });
    const kind = row.provider === "microsoft" ? "microsoft" : "google";
    await raiseAlert(tx, {
      userId: row.userId,
      kind: "needs_reauth",
      connectionId: row.id,
      // One alert per grant: reconnecting sets a new authorizedAt, so a later revocation alerts again.
      idempotencyKey: `needs_reauth:${row.id}:${row.authorizedAt.toISOString()}`,
      title: `Reconnect your ${label(kind)} calendar`,
      body: `Makegood can no longer read ${row.accountEmail}: access was revoked or has expired. Connect it again to keep late and missed meetings covered.`,
    }, this.deps.clock.now());
    this.deps.log.warn({ connectionId: row.id, reason }, "connection needs re-authorisation");
    return { kind: "revoked" };
  }
}
