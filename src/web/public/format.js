// Times are shown in the user's zone (from settings), whatever the browser's zone is, and in the
// same shapes as the emails and drafts: the rules are the server's own file (/shared/time-format.js).
// A page names the zone once, in its header (zoneName); its lines show clock times only.
import { clockRange, clockTime, dayAndClock, formatDayTime, formatMeetingTime, LOCALE, shortDay, zoneLabel } from "/shared/time-format.js";

/** "2:51 PM" */
export const time = (iso, zone) => clockTime(iso, zone);
/** "Thu, Dec 3" */
export const day = (iso, zone) => shortDay(iso, zone);
/** "Thu, Dec 3, 2:51 PM" */
export const dateTime = (iso, zone) => dayAndClock(iso, zone);
/** "10:00–10:45 AM", "11:30 AM–12:15 PM" */
export const timeRange = (start, end, zone) => clockRange(start, end, zone);
/** "Thu, Dec 3, 2:51 PM JST": a moment shown away from a page header (a tooltip, a toast). */
export const dateTimeWithZone = (iso, zone) => formatDayTime(iso, zone);
/** "Thu, Dec 3, 10:00–10:45 AM JST", exactly as an alert email writes it. */
export const meetingTime = (start, end, zone) => formatMeetingTime(start, end, zone);
/** "JST", "CET", "GMT+9": the zone as a page header names it, at `iso` (default now). */
export const zoneName = (zone, iso = Date.now()) => zoneLabel(iso, zone);

const cache = new Map();
function formatter(zone, options) {
  const key = zone + JSON.stringify(options);
  if (!cache.has(key)) cache.set(key, new Intl.DateTimeFormat(LOCALE, { timeZone: zone, ...options }));
  return cache.get(key);
}

/** YYYY-MM-DD of an instant in a zone (for grouping meetings by the user's day). */
export function localDate(iso, zone) {
  const parts = Object.fromEntries(dateParts(zone).formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
const dateParts = (zone) => formatter(zone, { year: "numeric", month: "2-digit", day: "2-digit", numberingSystem: "latn" });

/** "5 minutes ago"; `past` clamps to now what cannot be in the future (a clock a little ahead). */
export function relative(iso, nowMs, { past = true } = {}) {
  const raw = Math.round((new Date(iso).getTime() - nowMs) / 60000);
  const minutes = past ? Math.min(0, raw) : raw;
  const rtf = new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto" });
  if (Math.abs(minutes) < 60) return rtf.format(minutes, "minute");
  if (Math.abs(minutes) < 48 * 60) return rtf.format(Math.round(minutes / 60), "hour");
  return rtf.format(Math.round(minutes / 1440), "day");
}

export const plural = (n, word, many = word + "s") => `${n} ${n === 1 ? word : many}`;

/** A wall-clock setting ("17:00", as time inputs give it) in the page's one shape: "5:00 PM". */
export function wallClock(hhmm) {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm ?? "");
  if (!match) return hhmm;
  return time(new Date(Date.UTC(2000, 0, 1, Number(match[1]), Number(match[2]))).toISOString(), "UTC");
}
