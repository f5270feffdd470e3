/**
 * Browser tests look at "Today", which is a calendar day in the user's zone, on the real clock:
 * run at 00:30 UTC, a meeting three hours ago is yesterday's and rightly sits under "Earlier
 * meetings". These tests are about what a row says, not about midnight, so they take the zone
 * where it is now closest to midday: the hours around now are then all on one local day.
 */
const ZONES = [
  "Pacific/Pago_Pago", // −11
  "Pacific/Honolulu", // −10
  "America/Anchorage",
  "America/Los_Angeles",
  "America/Denver",
  "America/Chicago",
  "America/New_York",
  "America/Halifax",
  "America/Sao_Paulo", // −3
  "Atlantic/South_Georgia", // −2
  "Atlantic/Cape_Verde", // −1
  "UTC",
  "Europe/Berlin",
  "Europe/Athens",
  "Europe/Istanbul", // +3
  "Asia/Dubai", // +4
  "Asia/Karachi", // +5
  "Asia/Dhaka", // +6
  "Asia/Bangkok", // +7
  "Asia/Shanghai", // +8
  "Asia/Tokyo", // +9
  "Australia/Brisbane", // +10
  "Pacific/Noumea", // +11
  "Pacific/Auckland",
  "Pacific/Tongatapu", // +13
  "Pacific/Kiritimati", // +14
] as const;

const minutesPastMidnight = (zone: string, now: Date): number => {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part("hour") * 60 + part("minute");
};

/** The zone (a real city's, as users have) whose wall clock reads nearest 12:00 at `now`. */
export function middayZone(now: Date = new Date()): string {
  const distance = (zone: string) => Math.abs(minutesPastMidnight(zone, now) - 12 * 60);
  return ZONES.reduce((best, zone) => (distance(zone) < distance(best) ? zone : best));
}

/** The local hour at `now` in `zone`, for a test's own message. */
export const localHour = (zone: string, now: Date = new Date()): number => Math.floor(minutesPastMidnight(zone, now) / 60);
