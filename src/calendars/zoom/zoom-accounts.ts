import { z } from "zod";
import { errorMessage, NotFoundError, type Clock, type Database, type Logger, type TokenSealer } from "../../platform/index.js";
import { enqueueTasks } from "../../tasks/index.js";
import { ConnectError } from "../connections/connect-flow.js";
import { createPkcePair, randomToken, sha256Hex } from "../connections/pkce.js";
import { refreshUserEvidenceSources } from "../sync/evidence-sources.js";
import { ZoomApi } from "./zoom-api.js";
import { exchangeZoomCode, revokeZoomToken, zoomAuthorizationUrl, type ZoomApp } from "./zoom-oauth.js";
import { ZoomTokens } from "./zoom-tokens.js";
import { READ_ZOOM_MEETINGS } from "./zoom-meetings-task.js";
import { isSandboxZoom } from "../sandbox/sandbox-zoom.js";

const STATE_LIFETIME_MS = 10 * 60 * 1000;

/** GET /api/connections `zoom`: whether Zoom can be connected here, and the user's Zoom account. */
export const zoomView = z.object({
  available: z.boolean().describe("Zoom is configured on this server (ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, ZOOM_WEBHOOK_SECRET_TOKEN)"),
  connection: z
    .object({
      accountEmail: z.string(),
      status: z.enum(["active", "needs_reauth", "disconnected"]),
      hostedMeetings: z.number().int().describe("Zoom meetings the account hosts that we know of"),
      meetingsReadAt: z.string().nullable(),
      lastError: z.string().nullable(),
      createdAt: z.string(),
    })
    .nullable(),
});
export type ZoomView = z.infer<typeof zoomView>;

export interface ZoomAccountsDependencies {
  db: Database;
  clock: Clock;
  sealer: TokenSealer;
  log: Logger;
  publicUrl: string;
  /** unset: Zoom is not configured on this server */
  app: ZoomApp | undefined;
}

/**
 * "Connect Zoom": the user's Zoom account as an evidence provider beside their calendars.
 * Connecting needs a signed-in user (Zoom is not a way to sign in). The OAuth state is single
 * use, expires, and is bound to the browser and the user that started it.
 */
export class ZoomAccounts {
  constructor(private readonly deps: ZoomAccountsDependencies) {}

  get configured(): boolean {
    return this.deps.app !== undefined;
  }

  redirectUri(): string {
    return `${this.deps.publicUrl}/auth/zoom/callback`;
  }

  /** The token source of a Zoom connection (undefined when Zoom is not configured here). */
  tokensFor(zoomConnectionId: string): ZoomTokens | undefined {
    const app = this.deps.app;
    return app ? new ZoomTokens(zoomConnectionId, { ...this.deps, app }) : undefined;
  }

  api(zoomConnectionId: string): ZoomApi | undefined {
    const app = this.deps.app;
    const tokens = this.tokensFor(zoomConnectionId);
    return app && tokens ? new ZoomApi({ apiUrl: app.endpoints.apiUrl, tokens, now: () => this.deps.clock.now() }) : undefined;
  }

  /** The user's active Zoom connection, if any. */
  async account(userId: string): Promise<{ id: string; zoomUserId: string; accountEmail: string } | null> {
    const row = await this.deps.db.zoomConnection.findUnique({ where: { userId }, select: { id: true, zoomUserId: true, accountEmail: true, status: true } });
    // The sandbox's simulated account has no API to ask: its joins are simulated (sandbox-zoom.ts).
    return row && row.status === "active" && !isSandboxZoom(row.zoomUserId) ? row : null;
  }

  async begin(userId: string): Promise<{ url: string; browserNonce: string }> {
    const app = this.requireApp();
    const state = randomToken(24);
    const browserNonce = randomToken(24);
    const pkce = createPkcePair();
    const now = this.deps.clock.now();
    await this.deps.db.zoomOAuthState.create({ data: { state, userId, browserBinding: sha256Hex(browserNonce), codeVerifier: pkce.verifier, expiresAt: new Date(now.getTime() + STATE_LIFETIME_MS) } });
    await this.deps.db.zoomOAuthState.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - STATE_LIFETIME_MS) } } });
    return { url: zoomAuthorizationUrl(app, { state, codeChallenge: pkce.challenge, redirectUri: this.redirectUri() }), browserNonce };
  }

  /** Completes "Connect Zoom" for the signed-in user; nothing is half-stored on failure. */
  async complete(userId: string, query: { code?: string | undefined; state?: string | undefined; error?: string | undefined }, browserNonce: string | undefined): Promise<{ zoomConnectionId: string }> {
    const app = this.requireApp();
    const { db, clock, sealer } = this.deps;
    const now = clock.now();
    const claimed = query.state
      ? await db.zoomOAuthState.updateMany({ where: { state: query.state, userId, usedAt: null, expiresAt: { gt: now }, browserBinding: sha256Hex(browserNonce ?? "") }, data: { usedAt: now } })
      : { count: 0 };
    if (query.error) {
      throw new ConnectError(query.error === "access_denied" ? "access_denied" : "provider_error", query.error === "access_denied" ? "You did not allow Makegood to see your Zoom meetings, so nothing was connected." : `Zoom ended the sign-in with "${query.error}".`);
    }
    if (claimed.count !== 1 || !query.state) throw new ConnectError("bad_state", "This Zoom link has expired, was already used, or was started in another browser. Start again from Connect Zoom.");
    if (!query.code) throw new ConnectError("bad_state", "Zoom sent no authorization code. Start again from Connect Zoom.");
    const { codeVerifier } = await db.zoomOAuthState.findUniqueOrThrow({ where: { state: query.state }, select: { codeVerifier: true } });

    let tokens;
    let account;
    try {
      tokens = await exchangeZoomCode(app, { code: query.code, codeVerifier, redirectUri: this.redirectUri() });
      const token = tokens.accessToken;
      account = await new ZoomApi({ apiUrl: app.endpoints.apiUrl, tokens: { accessToken: async () => token, invalidate: () => undefined }, now: () => clock.now() }).me();
    } catch (error) {
      this.deps.log.warn({ provider: "zoom", reason: errorMessage(error) }, "Zoom authorization code exchange failed");
      throw new ConnectError("exchange_failed", "Zoom did not accept the sign-in (the code may have been used or expired). Start again from Connect Zoom.", error);
    }
    const zoomConnectionId = await db.$transaction(async (tx) => {
      const taken = await tx.zoomConnection.findUnique({ where: { zoomUserId: account.id }, select: { userId: true } });
      if (taken && taken.userId !== userId) throw new ConnectError("account_taken", `The Zoom account ${account.email} is already connected to another Makegood user.`);
      const existing = await tx.zoomConnection.findUnique({ where: { userId }, select: { id: true, zoomUserId: true } });
      // Another Zoom account replaces the one connected before: its hosted meetings are not this one's.
      if (existing && existing.zoomUserId !== account.id) await tx.zoomConnection.delete({ where: { id: existing.id } });
      const id = existing && existing.zoomUserId === account.id ? existing.id : crypto.randomUUID();
      const sealed = {
        accessTokenSealed: sealer.seal(tokens.accessToken, id),
        refreshTokenSealed: tokens.refreshToken ? sealer.seal(tokens.refreshToken, id) : null,
        tokenKeyId: sealer.currentKeyId,
        accessTokenExpiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
        accountEmail: account.email,
        status: "active" as const,
        authorizedAt: now,
        lastError: null,
        lastErrorAt: null,
      };
      await tx.zoomConnection.upsert({ where: { id }, create: { id, userId, zoomUserId: account.id, createdAt: now, ...sealed }, update: sealed });
      await enqueueTasks(tx, [readZoomMeetingsRequest(id, `connect:${now.toISOString()}`, now)]);
      return id;
    });
    this.deps.log.info({ zoomConnectionId }, "Zoom connected");
    return { zoomConnectionId };
  }

  async view(userId: string): Promise<ZoomView> {
    const row = await this.deps.db.zoomConnection.findUnique({ where: { userId }, include: { _count: { select: { hosted: true } } } });
    return {
      // The sandbox's simulated Zoom account shows beside its calendar even without a Zoom app.
      available: this.configured || (row !== null && isSandboxZoom(row.zoomUserId)),
      connection: row && {
        accountEmail: row.accountEmail,
        status: row.status,
        hostedMeetings: row._count.hosted,
        meetingsReadAt: row.meetingsReadAt?.toISOString() ?? null,
        lastError: row.lastError,
        createdAt: row.createdAt.toISOString(),
      },
    };
  }

  /**
   * Revokes the grant at Zoom (best effort: Zoom being down must not keep the user connected),
   * forgets the tokens and hosted meetings, and turns the user's Zoom meetings back to check-in.
   */
  async disconnect(userId: string): Promise<void> {
    const { db, sealer, log, clock } = this.deps;
    const row = await db.zoomConnection.findUnique({ where: { userId } });
    if (!row) throw new NotFoundError("Zoom connection", userId);
    const grant = row.accessTokenSealed ?? row.refreshTokenSealed;
    const app = this.deps.app;
    if (app && grant) {
      await Promise.resolve()
        .then(() => revokeZoomToken(app, sealer.open(grant, row.id)))
        .catch((error: unknown) => log.warn({ zoomConnectionId: row.id, reason: errorMessage(error) }, "could not revoke the Zoom grant while disconnecting"));
    }
    await db.$transaction(async (tx) => {
      await tx.zoomConnection.delete({ where: { id: row.id } });
      await refreshUserEvidenceSources(tx, userId, clock.now());
    });
    log.info({ zoomConnectionId: row.id }, "Zoom disconnected");
  }

  private requireApp(): ZoomApp {
    if (!this.deps.app) throw new ConnectError("provider_not_configured", "Zoom is not configured on this server: set ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET and ZOOM_WEBHOOK_SECRET_TOKEN.");
    return this.deps.app;
  }
}

export function readZoomMeetingsRequest(zoomConnectionId: string, reason: string, now: Date) {
  return { kind: READ_ZOOM_MEETINGS, payload: { zoomConnectionId }, idempotencyKey: `zoom-meetings:${zoomConnectionId}:${reason}`, dueAt: now };
}

