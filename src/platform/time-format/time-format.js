/**
 * Dates and times as a person reads them, one family everywhere: the dashboard (this file is
 * served to the browser as /shared/time-format.js), alerts, emails and drafts (the server
 * imports the same file), so one instant reads the same on a page and in a message.
 *
 *   "Wednesday, November 25, 10:00–10:45 AM PST"   formatSlot (drafts: the offered times)
 *   "Wed, Nov 25, 10:00–10:45 AM PST"              formatMeetingTime (alerts)
 *   "10:00 AM PST"                                 formatTimeOfDay
 *   "10:00 AM", "10:00–10:45 AM", "Wed, Nov 25"    clockTime, clockRange, shortDay (pages, whose header names the zone once)
 *
 * Plain JavaScript with JSDoc (no build step for the browser); the types are in time-format.d.ts.
 *
 * Decisions:
 * - One locale, en-US, whatever the browser's: the texts around the times are English, and a page
 *   must read like the email it previews. No leading zero ("9:05 AM"), an en dash with no spaces.
 * - Intl does the calendar work; the pieces are assembled here so the output is stable: plain
 *   spaces (ICU's narrow no-break and thin spaces are replaced, so plain-text email renders the
 *   same everywhere, and Chromium's ICU and Node's agree).
 * - A range that stays in one day period shows it once ("10:00–10:45 AM"); otherwise both
 *   ("11:30 AM–12:15 PM").
 * - Zone: ICU's short name ("PST", "CET") when it is letters only and not one of the
 *   abbreviations used by several zones (IST, CST, BST, AST…); for those the GMT offset is added
 *   ("CST (GMT-6)"). Where ICU has no name it already gives an offset ("GMT+9").
 * - A range crossing midnight, or a zone change (DST) inside the range, is written out in full on
 *   both sides rather than guessed.
 */

export const LOCALE = "en-US";

/** Abbreviations that name more than one zone in common use. */
const AMBIGUOUS_ABBREVIATIONS = new Set(["IST", "CST", "CDT", "BST", "AST", "ADT", "GST", "SST", "ECT"]);

const LONG_DATE = { weekday: "long", month: "long", day: "numeric" };
const SHORT_DATE = { weekday: "short", month: "short", day: "numeric" };
const CLOCK = { hour: "numeric", minute: "2-digit" };

/** "Wednesday, November 25, 10:00–10:45 AM PST" */
export function formatSlot(slot, timeZone, locale = LOCALE) {
  return formatRange(instant(slot.start), instant(slot.end), timeZone, locale, LONG_DATE);
}

/** "Wed, Nov 25, 10:00–10:45 AM PST": shorter, for alerts. */
export function formatMeetingTime(start, end, timeZone, locale = LOCALE) {
  return formatRange(instant(start), instant(end), timeZone, locale, SHORT_DATE);
}

/** "10:00 AM PST" */
export function formatTimeOfDay(at, timeZone, locale = LOCALE) {
  const when = instant(at);
  return `${clock(when, timeZone, locale)} ${zoneLabel(when, timeZone, locale)}`;
}

/** "Wed, Nov 25, 10:00 AM PST": one moment with its day. */
export function formatDayTime(at, timeZone, locale = LOCALE) {
  const when = instant(at);
  return `${datePart(when, timeZone, locale, SHORT_DATE)}, ${clock(when, timeZone, locale)} ${zoneLabel(when, timeZone, locale)}`;
}

/** "10:00 AM": a page whose header names the zone. */
export function clockTime(at, timeZone, locale = LOCALE) {
  return clock(instant(at), timeZone, locale);
}

/** "10:00–10:45 AM", "11:30 AM–12:15 PM": a page whose header names the zone. */
export function clockRange(start, end, timeZone, locale = LOCALE) {
  return clockRangeText(instant(start), instant(end), timeZone, locale);
}

/** "Wed, Nov 25" */
export function shortDay(at, timeZone, locale = LOCALE) {
  return datePart(instant(at), timeZone, locale, SHORT_DATE);
}

/** "Wed, Nov 25, 10:00 AM": a moment on a page whose header names the zone. */
export function dayAndClock(at, timeZone, locale = LOCALE) {
  const when = instant(at);
  return `${datePart(when, timeZone, locale, SHORT_DATE)}, ${clock(when, timeZone, locale)}`;
}

/** "Wednesday, November 25": a day as the drafts write it. */
export function longDay(at, timeZone, locale = LOCALE) {
  return datePart(instant(at), timeZone, locale, LONG_DATE);
}

/** "GMT-5", "GMT+5:30": the zone's offset at `at`. Throws RangeError for a zone Intl does not know. */
export function offsetLabel(at, timeZone, locale = LOCALE) {
  return zonePart(instant(at), timeZone, locale, "shortOffset");
}

/** The zone as shown after a time: "PST", "CET", "GMT+9", "CST (GMT-6)". */
export function zoneLabel(at, timeZone, locale = LOCALE) {
  const when = instant(at);
  const short = zonePart(when, timeZone, locale, "short");
  if (!/^[A-Z]{2,5}$/.test(short)) return short;
  if (!AMBIGUOUS_ABBREVIATIONS.has(short)) return short;
  return `${short} (${zonePart(when, timeZone, locale, "shortOffset")})`;
}

/** A Date, an ISO string or epoch milliseconds, as a Date. */
function instant(at) {
  return at instanceof Date ? at : new Date(at);
}

function formatRange(start, end, timeZone, locale, dateStyle) {
  const startDate = datePart(start, timeZone, locale, dateStyle);
  const endDate = datePart(end, timeZone, locale, dateStyle);
  const startZone = zoneLabel(start, timeZone, locale);
  const endZone = zoneLabel(end, timeZone, locale);
  if (startDate !== endDate || startZone !== endZone) {
    const startZoneText = startZone === endZone ? "" : ` ${startZone}`;
    const startText = `${startDate}, ${clock(start, timeZone, locale)}${startZoneText}`;
    const endDay = startDate === endDate ? "" : `${endDate}, `;
    return `${startText}–${endDay}${clock(end, timeZone, locale)} ${endZone}`;
  }
  return `${startDate}, ${clockRangeText(start, end, timeZone, locale)} ${startZone}`;
}

function clockRangeText(start, end, timeZone, locale) {
  const startParts = clockParts(start, timeZone, locale);
  const endParts = clockParts(end, timeZone, locale);
  const startPeriod = startParts.find((part) => part.type === "dayPeriod")?.value;
  const endPeriod = endParts.find((part) => part.type === "dayPeriod")?.value;
  const lastStart = [...startParts].reverse().find((part) => part.type !== "literal");
  // Drop the start's day period only where it trails the time ("10:00 AM"), as in English;
  // locales that put it first ("上午10:00") keep both.
  const dropStartPeriod = startPeriod !== undefined && startPeriod === endPeriod && lastStart?.type === "dayPeriod";
  const startText = dropStartPeriod
    ? tidy(startParts.filter((part) => part.type !== "dayPeriod").map((part) => part.value).join(""))
    : tidy(startParts.map((part) => part.value).join(""));
  return `${startText}–${tidy(endParts.map((part) => part.value).join(""))}`;
}

function clock(at, timeZone, locale) {
  return tidy(clockParts(at, timeZone, locale).map((part) => part.value).join(""));
}

function clockParts(at, timeZone, locale) {
  return formatter(locale, { timeZone, ...CLOCK }).formatToParts(at);
}

function datePart(at, timeZone, locale, style) {
  return tidy(formatter(locale, { timeZone, ...style }).format(at));
}

function zonePart(at, timeZone, locale, style) {
  const parts = formatter(locale, { timeZone, timeZoneName: style }).formatToParts(at);
  return tidy(parts.find((part) => part.type === "timeZoneName")?.value ?? timeZone);
}

// Intl.DateTimeFormat is slow to build and pages format hundreds of times: one per shape.
const formatters = new Map();
function formatter(locale, options) {
  const key = locale + JSON.stringify(options);
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, made);
  }
  return made;
}

function tidy(text) {
  return text.replace(/[\u00a0\u2009\u202f]/g, " ").replace(/\s+/g, " ").trim();
}
