/**
 * Where a sync stores a meeting it sees for the first time, so that detection need not read
 * it until something can happen to it: a watched meeting that has not begun is `upcoming`
 * (exactly where `decide` would place it; placement is not a transition) and is next looked
 * at when it starts, or an hour before when we cannot see it (its nudge comes a few minutes
 * before the start; `decide` names the exact instant). Anything else is due at once.
 */
export interface Placement {
  state: "upcoming" | null;
  nextCheckAt: Date;
}

/** The longest nudge lead the settings allow (DETECTION_SETTING_BOUNDS.nudgeMinutes.max). */
const NUDGE_LEAD_MAX_MS = 60 * 60_000;

export function placeAtSight(meeting: { watched: boolean; start: Date; liveSignal: boolean }, now: Date): Placement {
  if (!meeting.watched || meeting.start.getTime() <= now.getTime()) return { state: null, nextCheckAt: now };
  const lookAt = meeting.liveSignal ? meeting.start.getTime() : Math.max(now.getTime(), meeting.start.getTime() - NUDGE_LEAD_MAX_MS);
  return { state: "upcoming", nextCheckAt: new Date(lookAt) };
}
