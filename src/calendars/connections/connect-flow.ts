import { randomUUID } from "node:crypto";
import type { Database } from "../../platform/index.js";
import type { ProviderFactory } from "../provider-factory.js";
import type { OAuthProvider, ProviderAccount, TokenSet } from "../provider.js";
import type { Clock } from "../../platform/index.js";
import { AppError } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import type { TokenSealer } from "../../platform/index.js";
import { adoptCalendarTimeZone } from "./adopt-time-zone.js";
import { createPkcePair, randomToken, sha256Hex } from "./pkce.js";

export type OAuthKind = OAuthProvider["kind"];

const STATE_LIFETIME_MS = 10 * 60 * 1000;

/** Why a connect attempt ended without a connection; the callback page shows `message`. */
export class ConnectError extends AppError {
  constructor(code: "provider_not_configured" | "access_denied" | "bad_state" | "exchange_failed" | "account_taken" | "provider_error", message: string, cause?: unknown) {
    super(message, { code, httpStatus: code === "provider_not_configured" ? 404 : 400, cause });
  }
}

export interface ConnectResult {
  userId: string;
  connectionId: string;
  newUser: boolean;
}

export interface ConnectFlowDependencies {
  db: Database;
  clock: Clock;
  sealer: TokenSealer;
  providers: Partial<Record<OAuthKind, OAuthProvider>>;
  /** builds the connected calendar, to read its time zone for a new user */
  calendars: Pick<ProviderFactory, "calendar">;
  publicUrl: string;
  log: Logger;
}

/**
 * "Connect Google" / "Connect Outlook": the OAuth authorization-code flow with PKCE that
 * both signs the user in (creating them on first connect) and connects the calendar.
 * `state` is single use, expires, and is bound to the browser that started the flow
 * through a nonce cookie, so a link someone else started cannot complete in your browser.
 */
export class ConnectFlow {
  constructor(private readonly deps: ConnectFlowDependencies) {}

  redirectUri(kind: OAuthKind): string {
    return `${this.deps.publicUrl}/auth/${kind}/callback`;
  }

  isConfigured(kind: OAuthKind): boolean {
    return Boolean(this.deps.providers[kind]);
  }

  /** Starts a flow. The caller sets `browserNonce` as a short-lived cookie. */
  async begin(kind: OAuthKind, signedInUserId: string | undefined, options: { checkSentMail?: boolean } = {}): Promise<{ url: string; browserNonce: string }> {
    const provider = this.provider(kind);
    const state = randomToken(24);
    const browserNonce = randomToken(24);
    const pkce = createPkcePair();
    const now = this.deps.clock.now();
    await this.deps.db.oAuthState.create({
      data: {
        state,
        provider: kind,
        browserBinding: sha256Hex(browserNonce),
        codeVerifier: pkce.verifier,
        userId: signedInUserId ?? null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + STATE_LIFETIME_MS),
      },
    });
    // Old, unused states are of no use to anyone; clear them as we go.
    await this.deps.db.oAuthState.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - STATE_LIFETIME_MS) } } });
    const url = provider.authorizationUrl({ state, codeChallenge: pkce.challenge, redirectUri: this.redirectUri(kind), ...(options.checkSentMail ? { checkSentMail: true } : {}) });
    return { url, browserNonce };
  }

  /** Completes a flow from the callback's query. Nothing is half-created on failure. */
  async complete(
    kind: OAuthKind,
    query: { code?: string | undefined; state?: string | undefined; error?: string | undefined; error_description?: string | undefined },
    browserNonce: string | undefined,
    /** the zone the browser reported (a hint for a calendar that gives none) */
    browserZone?: string,
  ): Promise<ConnectResult> {
    const provider = this.provider(kind);
    const claimed = query.state ? await this.claimState(kind, query.state, browserNonce) : undefined;
    if (query.error) {
      const denied = query.error === "access_denied";
      throw new ConnectError(
        denied ? "access_denied" : "provider_error",
        denied
          ? `You did not grant Makegood access to your ${label(kind)} account, so nothing was connected.`
          : `${label(kind)} ended the sign-in with "${query.error}"${query.error_description ? `: ${query.error_description}` : ""}.`,
      );
    }
    if (!claimed) throw new ConnectError("bad_state", "This sign-in link is incomplete (no state). Start again from the Connect button.");
    if (!query.code) throw new ConnectError("bad_state", `${label(kind)} sent no authorization code. Start again from the Connect button.`);

    let exchanged: { tokens: TokenSet; account: ProviderAccount };
    try {
      exchanged = await provider.exchangeCode({ code: query.code, codeVerifier: claimed.codeVerifier, redirectUri: this.redirectUri(kind) });
    } catch (error) {
      this.deps.log.warn({ provider: kind, err: error }, "authorization code exchange failed");
      throw new ConnectError("exchange_failed", `${label(kind)} did not accept the sign-in (the code may have been used or expired). Start again from the Connect button.`, error);
    }
    const result = await this.storeConnection(kind, exchanged, claimed.userId);
    // A new user starts in their calendar's zone rather than UTC; later connections never change it.
    if (result.newUser) {
      await adoptCalendarTimeZone(this.deps, {
        userId: result.userId,
        connectionId: result.connectionId,
        provider: kind,
        accountId: exchanged.account.accountId,
        accountEmail: exchanged.account.email,
        accessToken: exchanged.tokens.accessToken,
        browserZone,
      });
    }
    return result;
  }

  private provider(kind: OAuthKind): OAuthProvider {
    const provider = this.deps.providers[kind];
    if (!provider) {
      const prefix = kind === "google" ? "GOOGLE" : "MICROSOFT";
      throw new ConnectError("provider_not_configured", `${label(kind)} is not configured on this server: set ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET.`);
    }
    return provider;
  }

  /** Marks the state used in the same statement that checks it, so it can never be replayed. */
  private async claimState(kind: OAuthKind, state: string, browserNonce: string | undefined): Promise<{ codeVerifier: string; userId: string | null }> {
    const now = this.deps.clock.now();
    const { count } = await this.deps.db.oAuthState.updateMany({
      where: { state, provider: kind, usedAt: null, expiresAt: { gt: now }, browserBinding: sha256Hex(browserNonce ?? "") },
      data: { usedAt: now },
    });
    if (count !== 1) {
      throw new ConnectError("bad_state", "This sign-in link has expired, was already used, or was started in another browser. Start again from the Connect button.");
    }
    const row = await this.deps.db.oAuthState.findUniqueOrThrow({ where: { state }, select: { codeVerifier: true, userId: true } });
    return row;
  }

  private async storeConnection(kind: OAuthKind, { tokens, account }: { tokens: TokenSet; account: ProviderAccount }, signedInUserId: string | null): Promise<ConnectResult> {
    const { db, sealer, clock } = this.deps;
    const now = clock.now();
    return db.$transaction(async (tx) => {
      const existing = await tx.connection.findUnique({ where: { provider_accountId: { provider: kind, accountId: account.accountId } } });
      if (existing && signedInUserId && existing.userId !== signedInUserId) {
        throw new ConnectError("account_taken", `The ${label(kind)} account ${account.email} is already connected to another Makegood user. Sign out and sign in with it instead.`);
      }
      let userId = existing?.userId ?? signedInUserId;
      let newUser = false;
      if (!userId) {
        const user = await tx.user.create({ data: { email: account.email, name: account.name, settings: { create: {} } } });
        userId = user.id;
        newUser = true;
      }
      const connectionId = existing?.id ?? randomUUID();
      const sealed = {
        accessTokenSealed: sealer.seal(tokens.accessToken, connectionId),
        // Google issues a refresh token only on (re)consent: keep the one we have otherwise.
        refreshTokenSealed: tokens.refreshToken ? sealer.seal(tokens.refreshToken, connectionId) : (existing?.refreshTokenSealed ?? null),
        tokenKeyId: sealer.currentKeyId,
        accessTokenExpiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
        accountEmail: account.email,
        status: "active" as const,
        authorizedAt: now,
        lastSyncError: null,
        // a new grant may carry Presence.Read (or a reconnect may still lack it): ask again
        presenceStatus: "unknown" as const,
        presenceNote: null,
      };
      if (existing) {
        await tx.connection.update({ where: { id: connectionId }, data: sealed });
      } else {
        // On the service's clock: detection never asks about meetings that ended before this instant.
        await tx.connection.create({ data: { id: connectionId, userId, provider: kind, accountId: account.accountId, createdAt: now, ...sealed } });
      }
      return { userId, connectionId, newUser };
    });
  }
}

export function label(kind: OAuthKind): string {
  return kind === "google" ? "Google" : "Microsoft";
}
