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

/**
 * The other person's zone, when it is worth writing: a valid IANA zone whose offset at `at`
 * differs from the user's. Same offset (or no zone known): null, and times are written once.
 */
export function otherZoneAt(at: Date, userZone: string, otherZone: string | null | undefined): string | null {
  if (!otherZone || otherZone === userZone) return null;
  try {
    const offset = (zone: string) => zonePart(at, zone, "en-US", "shortOffset");
    return offset(otherZone) === offset(userZone) ? null : otherZone;
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
  const style: DateStyle = { weekday: "long", month: "long", day: "numeric" };
  const theirDate = datePart(slot.start, other, locale, style);
  const theirs = formatRange(slot, other, locale, style);
  const sameDay = datePart(slot.start, userZone, locale, style) === theirDate && theirs.startsWith(`${theirDate}, `);
  return `${mine} (${sameDay ? theirs.slice(theirDate.length + 2) : theirs})`;
}

/**
 * A time of day for a message: "3:25 PM" when only the user's zone matters, "3:25 PM EST
 * (12:25 PM PST)" when the other person's zone is known and differs.
 */
export function formatClockForBoth(at: Date, userZone: string, otherZone: string | null | undefined, locale = "en-US"): string {
  const other = otherZoneAt(at, userZone, otherZone);
  if (!other) return clock(at, userZone, locale, true);
  return `${formatTimeOfDay(at, userZone, locale)} (${formatTimeOfDay(at, other, locale)})`;
}
