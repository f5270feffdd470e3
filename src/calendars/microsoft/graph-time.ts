import { DateTime } from "luxon";
import { findWindows } from "windows-iana";
import { ProviderError } from "../provider-error.js";
import { PROVIDER } from "./endpoints.js";
import type { DateTimeTimeZone } from "./event-schema.js";
import { toIanaZone } from "./time-zones.js";

/** A Graph dateTimeTimeZone as an instant: wall time read in its zone (UTC when absent, as Graph documents). */
export function instantOf(value: DateTimeTimeZone): Date {
  const zone = toIanaZone(value.timeZone) ?? "UTC";
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
