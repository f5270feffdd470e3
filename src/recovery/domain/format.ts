/**
 * Dates and times as a person reads them in a draft or an alert:
 * "Wednesday, November 25, 10:00–10:45 AM PST". The rules live in one plain-JavaScript file
 * that the dashboard loads too (src/platform/time-format), so a page and an email agree; the
 * two-zone shapes for messages to another person are built here from them.
 */
import { clockTime, formatSlot, formatTimeOfDay, longDay, offsetLabel, type TimeRange } from "../../platform/time-format/time-format.js";

export { formatDayTime, formatMeetingTime, formatSlot, formatTimeOfDay, zoneLabel, type TimeRange } from "../../platform/time-format/time-format.js";

/**
 * The other person's zone, when it is worth writing: a valid IANA zone whose offset at `at`
 * differs from the user's. Same offset (or no zone known): null, and times are written once.
 */
export function otherZoneAt(at: Date, userZone: string, otherZone: string | null | undefined): string | null {
  if (!otherZone || otherZone === userZone) return null;
  try {
    return offsetLabel(at, otherZone) === offsetLabel(at, userZone) ? null : otherZone;
  } catch {
    // An unknown zone name (Intl throws RangeError): write the user's times only.
    return null;
  }
}

/**
 * A slot in the user's zone, and in the other person's when it differs:
 * "Wednesday, November 25, 10:00–10:45 AM PST (1:00–1:45 PM EST)"; the date is repeated in
 * the brackets only when it is another day there ("(Thursday, November 26, 3:00–3:45 AM JST)").
 */
export function formatSlotForBoth(slot: TimeRange, userZone: string, otherZone: string | null | undefined, locale = "en-US"): string {
  const mine = formatSlot(slot, userZone, locale);
  const other = otherZoneAt(slot.start, userZone, otherZone);
  if (!other) return mine;
  const theirDate = longDay(slot.start, other, locale);
  const theirs = formatSlot(slot, other, locale);
  const sameDay = longDay(slot.start, userZone, locale) === theirDate && theirs.startsWith(`${theirDate}, `);
  return `${mine} (${sameDay ? theirs.slice(theirDate.length + 2) : theirs})`;
}

/**
 * A time of day for a message: "3:25 PM" when only the user's zone matters, "3:25 PM EST
 * (12:25 PM PST)" when the other person's zone is known and differs.
 */
export function formatClockForBoth(at: Date, userZone: string, otherZone: string | null | undefined, locale = "en-US"): string {
  const other = otherZoneAt(at, userZone, otherZone);
  if (!other) return clockTime(at, userZone, locale);
  return `${formatTimeOfDay(at, userZone, locale)} (${formatTimeOfDay(at, other, locale)})`;
}
