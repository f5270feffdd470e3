import { DateTime } from "luxon";
import { z } from "zod";
import { formatIcalUtc, parseRrule, startOf } from "../recurrence.js";
import type { EventTime } from "../state.js";
import { toIanaZone } from "../windows-zones.js";

const DAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
const ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const INDEXES = ["first", "second", "third", "fourth"] as const;

export const patternedRecurrenceSchema = z.object({
  pattern: z.object({
    type: z.enum(["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"]),
    interval: z.number().int().positive().default(1),
    daysOfWeek: z.array(z.enum(DAY_NAMES)).optional(),
    dayOfMonth: z.number().int().optional(),
    month: z.number().int().optional(),
    index: z.enum(["first", "second", "third", "fourth", "last"]).optional(),
    firstDayOfWeek: z.string().optional(),
  }),
  range: z.object({
    type: z.enum(["endDate", "noEnd", "numbered"]),
    startDate: z.string(),
    endDate: z.string().optional(),
    numberOfOccurrences: z.number().int().optional(),
    recurrenceTimeZone: z.string().optional(),
  }),
});
export type PatternedRecurrence = z.infer<typeof patternedRecurrenceSchema>;

/** Graph patternedRecurrence → the RRULE the emulator stores (both providers share one series model). */
export function patternToRrule(recurrence: PatternedRecurrence, start: EventTime): string[] {
  const { pattern, range } = recurrence;
  const byDay = (pattern.daysOfWeek ?? []).map((d) => ICAL_DAYS[DAY_NAMES.indexOf(d)]).join(",");
  const ordinal = pattern.index === "last" ? -1 : INDEXES.indexOf(pattern.index ?? "first") + 1;
  const parts: string[] = [];
  switch (pattern.type) {
    case "daily": parts.push("FREQ=DAILY"); break;
    case "weekly": parts.push("FREQ=WEEKLY", ...(byDay ? [`BYDAY=${byDay}`] : [])); break;
    case "absoluteMonthly": parts.push("FREQ=MONTHLY", `BYMONTHDAY=${pattern.dayOfMonth ?? startOf(start).day}`); break;
    case "relativeMonthly": parts.push("FREQ=MONTHLY", `BYDAY=${(pattern.daysOfWeek ?? []).map((d) => `${ordinal}${ICAL_DAYS[DAY_NAMES.indexOf(d)]}`).join(",")}`); break;
    default: parts.push("FREQ=YEARLY");
  }
  if (pattern.interval > 1) parts.push(`INTERVAL=${pattern.interval}`);
  if (range.type === "numbered" && range.numberOfOccurrences) parts.push(`COUNT=${range.numberOfOccurrences}`);
  if (range.type === "endDate" && range.endDate) {
    const zone = start.kind === "timed" ? toIanaZone(start.timeZone) : "UTC";
    parts.push(`UNTIL=${formatIcalUtc(DateTime.fromISO(range.endDate, { zone }).endOf("day"))}`);
  }
  return [`RRULE:${parts.join(";")}`];
}

/** The stored RRULE as Graph's patternedRecurrence for a series master. */
export function rruleToPattern(recurrence: string[], start: EventTime): object | null {
  const line = recurrence.find((l) => /^RRULE:/i.test(l));
  if (!line) return null;
  const rule = parseRrule(line);
  const zone = start.kind === "timed" ? toIanaZone(start.timeZone) : "UTC";
  const first = startOf(start).setZone(zone);
  const days = rule.byDay.map((d) => DAY_NAMES[d.weekday - 1]);
  const pattern: Record<string, unknown> = { type: "daily", interval: rule.interval, month: 0, dayOfMonth: 0, firstDayOfWeek: "sunday", index: "first" };
  if (rule.freq === "WEEKLY") Object.assign(pattern, { type: "weekly", daysOfWeek: days.length ? days : [DAY_NAMES[first.weekday - 1]] });
  if (rule.freq === "MONTHLY" && rule.byDay.length) {
    const ordinal = rule.byDay[0]?.ordinal ?? 1;
    Object.assign(pattern, { type: "relativeMonthly", daysOfWeek: days, index: ordinal < 0 ? "last" : INDEXES[ordinal - 1] ?? "first" });
  } else if (rule.freq === "MONTHLY") Object.assign(pattern, { type: "absoluteMonthly", dayOfMonth: rule.byMonthDay[0] ?? first.day });
  if (rule.freq === "YEARLY") Object.assign(pattern, { type: "absoluteYearly", month: first.month, dayOfMonth: first.day });
  const range = rule.count !== undefined
    ? { type: "numbered", numberOfOccurrences: rule.count, endDate: "0001-01-01" }
    : rule.until ? { type: "endDate", endDate: rule.until.setZone(zone).toISODate(), numberOfOccurrences: 0 } : { type: "noEnd", endDate: "0001-01-01", numberOfOccurrences: 0 };
  return { pattern, range: { ...range, startDate: first.toISODate(), recurrenceTimeZone: start.kind === "timed" ? start.timeZone : "UTC" } };
}
