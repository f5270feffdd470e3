// Times are shown in the user's zone (from settings), whatever the browser's zone is.

const cache = new Map();
function formatter(zone, options) {
  const key = zone + JSON.stringify(options);
  if (!cache.has(key)) cache.set(key, new Intl.DateTimeFormat(undefined, { timeZone: zone, ...options }));
  return cache.get(key);
}

export const time = (iso, zone) => formatter(zone, { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
export const day = (iso, zone) => formatter(zone, { weekday: "short", day: "numeric", month: "short" }).format(new Date(iso));
export const dateTime = (iso, zone) => formatter(zone, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
export const timeRange = (start, end, zone) => `${time(start, zone)}–${time(end, zone)}`;

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
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  if (Math.abs(minutes) < 60) return rtf.format(minutes, "minute");
  if (Math.abs(minutes) < 48 * 60) return rtf.format(Math.round(minutes / 60), "hour");
  return rtf.format(Math.round(minutes / 1440), "day");
}

export const plural = (n, word, many = word + "s") => `${n} ${n === 1 ? word : many}`;
