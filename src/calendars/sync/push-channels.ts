import { randomUUID, timingSafeEqual } from "node:crypto";
import { capabilitiesOf } from "../capabilities.js";
import { randomToken, sha256Hex } from "../connections/pkce.js";
import type { CalendarProvider, ProviderKind, WatchChannel } from "../provider.js";
import type { Database } from "../../platform/index.js";
import { errorMessage } from "../../platform/index.js";
import type { SyncDependencies } from "./sync-connection.js";

/**
 * Push channels live this long: inside both Google's and Graph's limits for calendar
 * resources, and renewed well before they end (see RENEW_BEFORE_MS).
 */
export const CHANNEL_LIFETIME_MS = 2 * 24 * 60 * 60 * 1000;
export const RENEW_BEFORE_MS = 12 * 60 * 60 * 1000;

export interface PushDependencies extends SyncDependencies {
  /** https origin the providers post to; push is off without it */
  publicUrl: string;
}

export function pushEnabled(publicUrl: string): boolean {
  return publicUrl.startsWith("https://");
}

export function webhookAddress(publicUrl: string, provider: ProviderKind): string {
  return `${publicUrl}/webhooks/${provider}`;
}

/** Constant-time check of a channel token / clientState against the stored hash. */
export function secretMatches(secret: string | undefined, secretHash: string): boolean {
  if (!secret) return false;
  const given = Buffer.from(sha256Hex(secret), "hex");
  const expected = Buffer.from(secretHash, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function openChannel(db: Database, provider: CalendarProvider, connectionId: string, providerCalendarId: string, publicUrl: string, now: Date, replacing?: { id: string; channel: WatchChannel }) {
  const secret = randomToken(32);
  const request = { providerCalendarId, address: webhookAddress(publicUrl, provider.kind), secret, channelId: randomUUID(), expiresAt: new Date(now.getTime() + CHANNEL_LIFETIME_MS) };
  const channel = replacing ? await provider.renewWatch(replacing.channel, request) : await provider.watch(request);
  // A renewed Graph subscription keeps its id and clientState; a Google renewal is a new channel.
  const sameChannel = replacing && replacing.channel.externalId === channel.externalId;
  await db.$transaction([
    ...(replacing ? [db.pushChannel.update({ where: { id: replacing.id }, data: sameChannel ? { expiresAt: channel.expiresAt } : { stoppedAt: now } })] : []),
    ...(sameChannel
      ? []
      : [db.pushChannel.create({ data: { connectionId, providerCalendarId, externalId: channel.externalId, resourceId: channel.resourceId, secretHash: sha256Hex(secret), expiresAt: channel.expiresAt } })]),
    db.connection.update({ where: { id: connectionId }, data: { pushStatus: "active" } }),
  ]);
}

/**
 * Keeps one live push channel per calendar of a connection: opens missing ones (first
 * connect, lost or removed subscriptions), renews those that end within RENEW_BEFORE_MS.
 * Failures mark push as failed; the cron poll keeps the calendar in sync meanwhile.
 */
export async function maintainPushChannels(connectionId: string, deps: PushDependencies, options: { forceRenew?: boolean } = {}): Promise<{ opened: number; renewed: number; failed: number }> {
  const result = { opened: 0, renewed: 0, failed: 0 };
  if (!pushEnabled(deps.publicUrl)) return result;
  const { db, clock } = deps;
  const now = clock.now();
  const connection = await db.connection.findUnique({ where: { id: connectionId }, include: { calendars: true, pushChannels: { where: { stoppedAt: null } } } });
  if (!connection || connection.status !== "active" || !capabilitiesOf(connection.provider).push) return result;
  const tokens = deps.tokensFor(connection);
  if (!tokens) return result;
  const provider = deps.providers.calendar(connection, tokens);
  const log = deps.log.child({ connectionId });

  for (const calendar of connection.calendars) {
    const live = connection.pushChannels.filter((channel) => channel.providerCalendarId === calendar.providerCalendarId && channel.expiresAt > now);
    const current = live.sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime())[0];
    try {
      if (!current) {
        await openChannel(db, provider, connectionId, calendar.providerCalendarId, deps.publicUrl, now);
        result.opened += 1;
      } else if (options.forceRenew || current.expiresAt.getTime() - now.getTime() < RENEW_BEFORE_MS) {
        await openChannel(db, provider, connectionId, calendar.providerCalendarId, deps.publicUrl, now, {
          id: current.id,
          channel: { externalId: current.externalId, resourceId: current.resourceId, expiresAt: current.expiresAt },
        });
        result.renewed += 1;
      }
    } catch (error) {
      result.failed += 1;
      log.warn({ calendarId: calendar.id, reason: errorMessage(error) }, "push channel could not be opened or renewed; polling covers this calendar");
      await db.connection.update({ where: { id: connectionId }, data: { pushStatus: "failed" } });
    }
  }
  return result;
}
