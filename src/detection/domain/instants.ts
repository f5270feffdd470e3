/** Arithmetic on UTC instants only: grace and settle are elapsed time, whatever the zone. */
export function minutesAfter(instant: Date, minutes: number): Date {
  return new Date(instant.getTime() + minutes * 60_000);
}

/** The earliest candidate strictly after `now`, or null: a wake-up is never in the past. */
export function earliestAfter(now: Date, candidates: readonly Date[]): Date | null {
  let earliest: Date | null = null;
  for (const candidate of candidates) {
    if (candidate.getTime() <= now.getTime()) continue;
    if (earliest === null || candidate.getTime() < earliest.getTime()) earliest = candidate;
  }
  return earliest;
}
