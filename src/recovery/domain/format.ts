/**
 * Dates and times as a person reads them in a draft or an alert:
 * "Wednesday, November 25, 10:00–10:45 AM PST".
 *
 * Decisions:
 * - Intl (full ICU in Node 20) does the locale work; the pieces are assembled here so the
 *   output is stable: plain spaces (ICU's narrow no-break and thin spaces are replaced,
 *   so plain-text email renders the same everywhere) and an en dash with no spaces.
 * - A range that stays in one day period shows it once ("10:00–10:45 AM"); otherwise
 *   both ("11:30 AM–12:15 PM").
 * - Zone: ICU's short name for the locale ("PST", "CET") when it is letters only and not
 *   one of the abbreviations used by several zones (IST, CST, BST, AST…); for those the
 *   GMT offset is added ("CST (GMT-6)"). Where ICU has no name it already gives an offset
 *   ("GMT+9"), which is what we show.
 * - A range crossing midnight, or a zone change (DST) inside the range, is written out in
 *   full on both sides rather than guessed.
 */

export interface TimeRange {
  readonly start: Date;
  readonly end: Date;
}

/** Abbreviations that name more than one zone in common use. */
const AMBIGUOUS_ABBREVIATIONS = new Set(["IST", "CST", "CDT", "BST", "AST", "ADT", "GST", "SST", "ECT"]);

/** "Wednesday, November 25, 10:00–10:45 AM PST" */
export function formatSlot(slot: TimeRange, timeZone: string, locale = "en-US"): string {
  return formatRange(slot, timeZone, locale, { weekday: "long", month: "long", day: "numeric" });
}

/** "Wed, Nov 25, 10:00–10:45 AM PST": shorter, for alerts. */
export function formatMeetingTime(start: Date, end: Date, timeZone: string, locale = "en-US"): string {
  return formatRange({ start, end }, timeZone, locale, { weekday: "short", month: "short", day: "numeric" });
}

/** "10:00 AM PST" */
export function formatTimeOfDay(at: Date, timeZone: string, locale = "en-US"): string {
  return `${clock(at, timeZone, locale, true)} ${zoneLabel(at, timeZone, locale)}`;
}

/** The zone as shown after a time: "PST", "CET", "GMT+9", "CST (GMT-6)". */
export function zoneLabel(at: Date, timeZone: string, locale = "en-US"): string {
  const short = zonePart(at, timeZone, locale, "short");
  if (!/^[A-Z]{2,5}$/.test(short)) return short;
  if (!AMBIGUOUS_ABBREVIATIONS.has(short)) return short;
  return `${short} (${zonePart(at, timeZone, locale, "shortOffset")})`;
}

type DateStyle = Pick<Intl.DateTimeFormatOptions, "weekday" | "month" | "day">;

function formatRange(range: TimeRange, timeZone: string, locale: string, dateStyle: DateStyle): string {
  const startDate = datePart(range.start, timeZone, locale, dateStyle);
  const endDate = datePart(range.end, timeZone, locale, dateStyle);
  const startZone = zoneLabel(range.start, timeZone, locale);
  const endZone = zoneLabel(range.end, timeZone, locale);
  if (startDate !== endDate || startZone !== endZone) {
    const startZoneText = startZone === endZone ? "" : ` ${startZone}`;
    const startText = `${startDate}, ${clock(range.start, timeZone, locale, true)}${startZoneText}`;
    const endDay = startDate === endDate ? "" : `${endDate}, `;
    return `${startText}–${endDay}${clock(range.end, timeZone, locale, true)} ${endZone}`;
  }
  return `${startDate}, ${clockRange(range, timeZone, locale)} ${startZone}`;
}

function clockRange(range: TimeRange, timeZone: string, locale: string): string {
  const startParts = clockParts(range.start, timeZone, locale);
  const endParts = clockParts(range.end, timeZone, locale);
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

function clock(at: Date, timeZone: string, locale: string, withPeriod: boolean): string {
  const parts = clockParts(at, timeZone, locale).filter((part) => withPeriod || part.type !== "dayPeriod");
  return tidy(parts.map((part) => part.value).join(""));
}

function clockParts(at: Date, timeZone: string, locale: string): Intl.DateTimeFormatPart[] {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: "numeric", minute: "2-digit" }).formatToParts(at);
}

function datePart(at: Date, timeZone: string, locale: string, style: DateStyle): string {
  return tidy(new Intl.DateTimeFormat(locale, { timeZone, ...style }).format(at));
}

function zonePart(at: Date, timeZone: string, locale: string, style: "short" | "shortOffset"): string {
  const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style }).formatToParts(at);
  return tidy(parts.find((part) => part.type === "timeZoneName")?.value ?? timeZone);
}

function tidy(text: string): string {
  return text.replace(/[\u00a0\u2009\u202f]/g, " ").replace(/\s+/g, " ").trim();
}
