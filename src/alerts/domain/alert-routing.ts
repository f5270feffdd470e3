import { z } from "zod";

/**
 * Which channels an alert goes to (issue 15): the user picks channels per kind of alert, for
 * the four kinds that ask something (nudges, late, missed, digest); everything else (a calendar
 * to re-authorise, a reminder, a buffer conflict) follows `alertChannels`. Pure.
 */
export const CHANNELS = ["email", "feed", "webhook", "push", "ntfy"] as const;
export type Channel = (typeof CHANNELS)[number];

export const KIND_GROUPS = ["nudges", "late", "missed", "digest"] as const;
export type KindGroup = (typeof KIND_GROUPS)[number];
export type ChannelsByKind = Record<KindGroup, Channel[]>;

const channelList = z.array(z.enum(CHANNELS)).max(CHANNELS.length);
/** The stored and the API shape of the choice: every kind named, each a list of channels. */
export const channelsByKindSchema = z.object({ nudges: channelList, late: channelList, missed: channelList, digest: channelList }).strict();

/** The stored choice, or the defaults when there is none (or it cannot be read). */
export function readChannelsByKind(stored: unknown, legacy: { alertChannels: readonly Channel[]; nudgeChannels: readonly Channel[] }): ChannelsByKind {
  const parsed = channelsByKindSchema.safeParse(stored);
  return parsed.success ? parsed.data : defaultChannelsByKind(legacy);
}

export function kindGroup(kind: string): KindGroup | null {
  switch (kind) {
    case "nudge":
    case "heads_up":
      return "nudges";
    case "late":
      return "late";
    case "suspected_missed":
      return "missed";
    case "digest":
      return "digest";
    default:
      return null;
  }
}

/**
 * The defaults for a user who never chose (and for settings saved before issue 15): what
 * reached them before stays, and push joins the kinds that need an answer within minutes or
 * hours. It costs nothing on a device that never subscribed (the push delivery is skipped).
 * The digest stays off push: it is a list to read at a desk, not a lock-screen question.
 */
export function defaultChannelsByKind(legacy: { alertChannels: readonly Channel[]; nudgeChannels: readonly Channel[] }): ChannelsByKind {
  const withPush = (channels: readonly Channel[]) => [...new Set<Channel>([...channels, "push"])];
  return { nudges: withPush(legacy.nudgeChannels), late: withPush(legacy.alertChannels), missed: withPush(legacy.alertChannels), digest: [...legacy.alertChannels] };
}

export function channelsForKind(kind: string, choice: { alertChannels: readonly Channel[]; channelsByKind: ChannelsByKind }): readonly Channel[] {
  const group = kindGroup(kind);
  return group ? choice.channelsByKind[group] : choice.alertChannels;
}
