const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * A Retry-After header in milliseconds from `now`: delta-seconds or an HTTP date, capped
 * at an hour (a server asking for a day should not park an alert that long), null when
 * absent or unreadable (the task runner's backoff applies).
 */
export function retryAfterMs(header: string | string[] | undefined, now: Date): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now.getTime();
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
