import { DateTime } from "luxon";
import { findWindows } from "windows-iana";
import { ProviderError } from "../provider-error.js";
import { PROVIDER } from "./endpoints.js";
import type { DateTimeTimeZone } from "./event-schema.js";
import { toIanaZone } from "./time-zones.js";

const UTC_WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/** "2026-03-29T01:30:00.0000000" read as UTC; null when not in that shape or not a real date-time (luxon then decides). */
function readUtcWallTime(dateTime: string): Date | null {
  const match = UTC_WALL_TIME.exec(dateTime);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = Number(`${match[7] ?? ""}000`.slice(0, 3));
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  const exact = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  return exact ? date : null;
}

/** A Graph dateTimeTimeZone as an instant: wall time read in its zone (UTC when absent, as Graph documents). */
export function instantOf(value: DateTimeTimeZone): Date {
  const zone = toIanaZone(value.timeZone) ?? "UTC";
  if (zone === "UTC") {
    // What we ask for (Prefer: outlook.timezone="UTC"): read it without luxon, which costs
    // more than the rest of an event's mapping.
    const fast = readUtcWallTime(value.dateTime);
    if (fast) return fast;
  }
  const parsed = DateTime.fromISO(value.dateTime, { zone });
  if (!parsed.isValid) throw new ProviderError(PROVIDER, "invalid", `Microsoft Graph sent an unreadable date-time "${value.dateTime}" (${value.timeZone ?? "no zone"})`);
  return parsed.toJSDate();
}

/**
 * An instant as Graph's dateTimeTimeZone: wall time in the IANA zone, named the Windows way
 * (the names every Outlook client understands); zones without a Windows name are sent as UTC.
 */
export function toDateTimeTimeZone(instant: Date, ianaZone: string): { dateTime: string; timeZone: string } {
  const windowsName = findWindows(ianaZone)[0];
  const zone = windowsName ? ianaZone : "UTC";
  return { dateTime: DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss"), timeZone: windowsName ?? "UTC" };
}

export function parseInstant(value: string | null | undefined): Date | null {
  if (!value) return null;
  const parsed = DateTime.fromISO(value, { zone: "UTC" });
  return parsed.isValid ? parsed.toJSDate() : null;
}
