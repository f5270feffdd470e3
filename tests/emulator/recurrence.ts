import { DateTime } from "luxon";
import type { EventTime } from "./state.js";
import { toIanaZone } from "./windows-zones.js";

/** The RFC 5545 RRULE subset calendars commonly produce: DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY. */
export interface RecurrenceRule {
  freq: "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";
  interval: number;
  count: number | undefined;
  until: DateTime | undefined;
  byDay: { weekday: number; ordinal: number | undefined }[];
  byMonthDay: number[];
}

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

export function parseRrule(line: string): RecurrenceRule {
  const body = line.replace(/^RRULE:/i, "");
  const parts = new Map(body.split(";").map((part) => {
    const [key = "", value = ""] = part.split("=");
    return [key.toUpperCase(), value] as const;
  }));
  const freq = parts.get("FREQ");
  if (freq !== "DAILY" && freq !== "WEEKLY" && freq !== "MONTHLY" && freq !== "YEARLY") throw new Error(`unsupported RRULE FREQ: ${line}`);
  const until = parts.get("UNTIL");
  return {
    freq,
    interval: Number(parts.get("INTERVAL") ?? "1"),
    count: parts.has("COUNT") ? Number(parts.get("COUNT")) : undefined,
    until: until ? parseIcalDate(until, "UTC") : undefined,
    byDay: (parts.get("BYDAY") ?? "").split(",").filter(Boolean).map((token) => {
      const match = /^([+-]?\d+)?([A-Z]{2})$/.exec(token);
      if (!match) throw new Error(`bad BYDAY ${token}`);
      return { weekday: WEEKDAYS.indexOf(match[2] ?? "") + 1, ordinal: match[1] ? Number(match[1]) : undefined };
    }),
    byMonthDay: (parts.get("BYMONTHDAY") ?? "").split(",").filter(Boolean).map(Number),
  };
}

/** 20240110T100000Z, 20240110T100000 (in zone) or 20240110 (a date). */
export function parseIcalDate(value: string, zone: string): DateTime {
  const utc = value.endsWith("Z");
  const format = value.includes("T") ? "yyyyMMdd'T'HHmmss" : "yyyyMMdd";
  return DateTime.fromFormat(value.replace(/Z$/, ""), format, { zone: utc ? "UTC" : zone });
}

export function formatIcalUtc(instant: DateTime): string {
  return instant.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
}

export function startOf(time: EventTime): DateTime {
  return time.kind === "timed"
    ? DateTime.fromISO(time.utc, { zone: toIanaZone(time.timeZone) })
    : DateTime.fromISO(time.date, { zone: "UTC" });
}

/** EXDATE lines in a Google recurrence array, as instants. */
function exdatesOf(lines: string[], zone: string): number[] {
  const result: number[] = [];
  for (const line of lines) {
    const match = /^EXDATE(?:;TZID=([^:;]+))?(?:;VALUE=DATE)?:(.+)$/i.exec(line);
    if (!match) continue;
    for (const value of (match[2] ?? "").split(",")) result.push(parseIcalDate(value, match[1] ?? zone).toMillis());
  }
  return result;
}

function candidatesInPeriod(rule: RecurrenceRule, periodStart: DateTime, first: DateTime): DateTime[] {
  const atTime = (day: DateTime): DateTime => day.set({ hour: first.hour, minute: first.minute, second: first.second, millisecond: 0 });
  switch (rule.freq) {
    case "DAILY":
      return [periodStart];
    case "WEEKLY": {
      if (rule.byDay.length === 0) return [periodStart];
      const monday = periodStart.startOf("week");
      return rule.byDay.map((d) => atTime(monday.plus({ days: d.weekday - 1 }))).sort((a, b) => a.toMillis() - b.toMillis());
    }
    case "MONTHLY": {
      const month = periodStart.startOf("month");
      if (rule.byMonthDay.length > 0) {
        return rule.byMonthDay.filter((d) => d <= month.daysInMonth!).map((d) => atTime(month.set({ day: d })));
      }
      if (rule.byDay.length > 0) {
        const days: DateTime[] = [];
        for (const { weekday, ordinal } of rule.byDay) {
          const matching: DateTime[] = [];
          for (let d = month; d.month === month.month; d = d.plus({ days: 1 })) if (d.weekday === weekday) matching.push(atTime(d));
          const pick = ordinal === undefined ? matching : [ordinal > 0 ? matching[ordinal - 1] : matching[matching.length + ordinal]];
          for (const day of pick) if (day) days.push(day);
        }
        return days.sort((a, b) => a.toMillis() - b.toMillis());
      }
      return first.day <= month.daysInMonth! ? [atTime(month.set({ day: first.day }))] : [];
    }
    case "YEARLY": {
      const candidate = periodStart.set({ month: first.month, day: first.day });
      return candidate.month === first.month ? [atTime(candidate)] : [];
    }
  }
}

/**
 * Original start instants of a series, in the series' own zone so local wall time survives DST,
 * up to `horizonEnd` or `limit` occurrences; EXDATEs are removed (overrides are the caller's job)
 * and, when `excludedOut` is given, collected there.
 */
export function expandSeries(start: EventTime, recurrence: string[], horizonEnd: number, limit = 2000, excludedOut?: DateTime[]): DateTime[] {
  const zone = start.kind === "timed" ? toIanaZone(start.timeZone) : "UTC";
  const first = startOf(start).setZone(zone);
  const rruleLine = recurrence.find((line) => /^RRULE:/i.test(line));
  if (!rruleLine) return [first];
  const rule = parseRrule(rruleLine);
  const excluded = new Set(exdatesOf(recurrence, zone));
  const unit = { DAILY: "days", WEEKLY: "weeks", MONTHLY: "months", YEARLY: "years" } as const;
  const result: DateTime[] = [];
  let produced = 0;
  for (let period = 0; period < 100_000; period += 1) {
    const periodStart = first.plus({ [unit[rule.freq]]: period * rule.interval });
    if (periodStart.toMillis() > horizonEnd && rule.freq !== "WEEKLY") break;
    if (periodStart.startOf("week").toMillis() > horizonEnd) break;
    for (const candidate of candidatesInPeriod(rule, periodStart, first)) {
      if (candidate < first) continue;
      if (rule.until && candidate > rule.until) return result;
      if (rule.count !== undefined && produced >= rule.count) return result;
      if (candidate.toMillis() > horizonEnd || result.length >= limit) return result;
      produced += 1;
      if (!excluded.has(candidate.toMillis())) result.push(candidate);
      else excludedOut?.push(candidate);
    }
  }
  return result;
}
