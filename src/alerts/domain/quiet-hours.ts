import { DateTime } from "luxon";

/**
 * Quiet hours (issue 15): a window of the user's night ("22:00"–"07:00" in their zone) in
 * which the channels that light up a phone hold what can wait. Pure: the clock is passed in.
 *
 * Decisions:
 * - Only push and ntfy are held. They exist to buzz a phone; email clients and Slack have
 *   their own do-not-disturb schedules, and the feed is silent.
 * - What is about a meeting happening now (running late, a nudge, a heads-up) is never held:
 *   a meeting the user has at 22:30 is one they chose to be at, and the alert is worthless at
 *   07:00. Everything else (did you miss it?, the digest, reminders) waits for the end of the
 *   window and is then delivered as it was, unless answered meanwhile (an answered alert is
 *   not delivered at all). Folding the held alerts into the digest was considered and left
 *   out: the digest is for meetings we could not see, and a morning push per question keeps
 *   each answer one tap away.
 */
export interface QuietHours {
  /** "HH:MM", local time in the user's zone */
  start: string;
  end: string;
}

export const QUIET_CHANNELS: ReadonlySet<string> = new Set(["push", "ntfy"]);
const URGENT_KINDS: ReadonlySet<string> = new Set(["late", "nudge", "heads_up"]);

export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

function minutesOf(time: string): number {
  const [hours = "0", minutes = "0"] = time.split(":");
  return Number(hours) * 60 + Number(minutes);
}

/**
 * When the current quiet window ends, or null when `now` is outside it (or there is none).
 * A window that crosses midnight (22:00–07:00) ends on the next morning when entered in the
 * evening. A window whose start equals its end is empty.
 */
export function quietWindowEnd(quiet: QuietHours | null, timeZone: string, now: Date): Date | null {
  if (!quiet || !TIME_OF_DAY.test(quiet.start) || !TIME_OF_DAY.test(quiet.end)) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const zoned = local.isValid ? local : DateTime.fromJSDate(now, { zone: "UTC" });
  const minute = zoned.hour * 60 + zoned.minute;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  const endToday = zoned.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  const endsAt = endToday > zoned ? endToday : endToday.plus({ days: 1 });
  return endsAt.toJSDate();
}

/** When an alert of this kind may go out on this channel: now, or at the end of the quiet window. */
export function deliveryDueAt(input: { kind: string; channel: string; quiet: QuietHours | null; timeZone: string; now: Date }): Date {
  if (!QUIET_CHANNELS.has(input.channel) || URGENT_KINDS.has(input.kind)) return input.now;
  return quietWindowEnd(input.quiet, input.timeZone, input.now) ?? input.now;
}
