/**
 * Where a sync stores a meeting it sees for the first time, so that detection need not read
 * it until something can happen to it: a watched meeting that has not begun is `upcoming`
 * (exactly where `decide` would place it; placement is not a transition) and is next looked
 * at when it starts. Anything else is due at once, for `decide` to walk.
 */
export interface Placement {
  state: "upcoming" | null;
  nextCheckAt: Date;
}

export function placeAtSight(meeting: { watched: boolean; start: Date }, now: Date): Placement {
  if (meeting.watched && meeting.start.getTime() > now.getTime()) return { state: "upcoming", nextCheckAt: meeting.start };
  return { state: null, nextCheckAt: now };
}
