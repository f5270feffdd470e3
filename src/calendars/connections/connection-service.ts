import { capabilitiesOf } from "../capabilities.js";
import type { ProviderFactory } from "../provider-factory.js";
import type { AccessTokenSource, ProviderKind } from "../provider.js";
import type { Database } from "../../platform/index.js";
import type { Clock } from "../../platform/index.js";
import { errorMessage, NotFoundError } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import type { TokenSealer } from "../../platform/index.js";
import type { ConnectionView } from "./connection-view-schema.js";
import { ConnectionTokens } from "./connection-tokens.js";

/** Listing and disconnecting a user's calendar connections. */
export class ConnectionService {
  constructor(private readonly deps: { db: Database; providers: ProviderFactory; sealer: TokenSealer; clock: Clock; log: Logger }) {}

  /** The connection's token source; undefined when its OAuth provider is not configured here. */
  tokensFor(connection: { id: string; provider: ProviderKind }): AccessTokenSource | undefined {
    if (!capabilitiesOf(connection.provider).oauth) return NO_TOKENS;
    const oauth = this.deps.providers.oauth(connection.provider);
    return oauth ? new ConnectionTokens(connection.id, { ...this.deps, oauth }) : undefined;
  }

  async list(userId: string): Promise<ConnectionView[]> {
    const rows = await this.deps.db.connection.findMany({ where: { userId, status: { not: "disconnected" } }, orderBy: { createdAt: "asc" } });
    return rows.map((row) => ({
      id: row.id,
      provider: row.provider,
      accountEmail: row.accountEmail,
      status: row.status,
      lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
      lastError: row.lastSyncError,
      lastErrorAt: row.lastErrorAt?.toISOString() ?? null,
      backoffUntil: row.backoffUntil?.toISOString() ?? null,
      push: row.pushStatus,
      presence: { status: row.presenceStatus, note: row.presenceNote },
      createdAt: row.createdAt.toISOString(),
    }));
  }

  /**
   * Stops push channels and revokes the grant at the provider (best effort: a provider that
   * is down must not keep the user connected against their will), then removes the
   * connection with its meetings, or keeps the meetings and forgets the tokens. Google's grant
   * is revoked at its revoke endpoint; Microsoft's identity platform has no per-grant
   * revocation (see microsoft/oauth.ts), so there our stored tokens are simply deleted. Kept
   * meetings stay readable but are no longer synced (the connection is not active) nor watched
   * (detection excuses any still in flight), until the same account is connected again.
   */
  async disconnect(userId: string, connectionId: string, options: { keepMeetings: boolean }): Promise<void> {
    const { db, sealer, log } = this.deps;
    const connection = await db.connection.findFirst({ where: { id: connectionId, userId }, include: { pushChannels: { where: { stoppedAt: null } } } });
    if (!connection) throw new NotFoundError("Connection", connectionId);
    const tokens = this.tokensFor(connection);
    if (tokens && connection.status === "active") {
      const calendar = this.deps.providers.calendar(connection, tokens);
      for (const channel of connection.pushChannels) {
        await calendar
          .stopWatch({ externalId: channel.externalId, resourceId: channel.resourceId, expiresAt: channel.expiresAt })
          .catch((error: unknown) => log.warn({ connectionId, channelId: channel.id, reason: errorMessage(error) }, "could not stop a push channel while disconnecting"));
      }
    }
    const oauth = this.deps.providers.oauth(connection.provider);
    const grant = connection.refreshTokenSealed ?? connection.accessTokenSealed;
    if (oauth && grant) {
      // Opening the token is inside the guard too: a row sealed with a key no longer listed
      // must not stop the user from disconnecting.
      await Promise.resolve()
        .then(() => oauth.revoke(sealer.open(grant, connection.id)))
        .catch((error: unknown) => log.warn({ connectionId, reason: errorMessage(error) }, "could not revoke the grant at the provider while disconnecting"));
    }
    if (options.keepMeetings) {
      await db.$transaction([
        db.pushChannel.updateMany({ where: { connectionId, stoppedAt: null }, data: { stoppedAt: this.deps.clock.now() } }),
        db.meeting.updateMany({ where: { connectionId, watched: true }, data: { watched: false } }),
        db.connection.update({
          where: { id: connectionId },
          data: { status: "disconnected", accessTokenSealed: null, refreshTokenSealed: null, accessTokenExpiresAt: null, pushStatus: "none" },
        }),
      ]);
    } else {
      await db.connection.delete({ where: { id: connectionId } });
    }
    log.info({ connectionId, keepMeetings: options.keepMeetings }, "connection disconnected");
  }
}

/** For providers that need no OAuth (the sandbox): calls go through without a token. */
const NO_TOKENS: AccessTokenSource = {
  accessToken: async () => "",
  invalidate: () => undefined,
};
