import { minutesAfter } from "./instants.js";

/**
 * Warn before the user is late (seed 002: call ahead with a realistic time rather than stare at
 * the clock). Two situations can be seen before the next meeting starts:
 * - two meetings back to back at different physical places: the user cannot be in both;
 * - the user is still in the previous meeting's call a couple of minutes before the next one.
 * The first is known from the calendar alone; the second needs a live reading of the previous
 * meeting's call (Meet participants, Teams presence), which the edge takes when asked.
 */
export interface PreviousMeeting {
  readonly id: string;
  readonly end: Date;
  /** normalised physical address, or null (video, phone, nothing) */
  readonly place: string | null;
  /** its call can be read live (Meet, Teams with presence) */
  readonly liveSignal: boolean;
}

export interface HeadsUpFacts {
  readonly start: Date;
  readonly place: string | null;
  /** the watched meeting that ends last before (up to half an hour) or just after this one's start; null when none */
  readonly previous: PreviousMeeting | null;
}

/** How long before the start a back-to-back move between two places is pointed out. */
export const PLACES_LEAD_MINUTES = 15;
/** How long before the start the previous call is looked at. */
export const STILL_IN_CALL_LEAD_MINUTES = 2;
/** Meetings this close count as back to back (no time to travel between two places). */
const BACK_TO_BACK_GAP_MINUTES = 5;

function backToBack(facts: HeadsUpFacts): boolean {
  const previous = facts.previous;
  return previous !== null && previous.end.getTime() >= minutesAfter(facts.start, -BACK_TO_BACK_GAP_MINUTES).getTime();
}

/** Back to back at two different addresses. */
export function twoPlacesBackToBack(facts: HeadsUpFacts): boolean {
  const previous = facts.previous;
  return backToBack(facts) && previous !== null && previous.place !== null && facts.place !== null && previous.place !== facts.place;
}

/**
 * The previous meeting's call can be read, and it should be over by the time we look: being in
 * it then means it ran over. Back to back with no gap, everyone is still in the first call two
 * minutes before the second starts; that is no news and is not pointed out.
 */
export function previousCallWorthReading(facts: HeadsUpFacts): boolean {
  const previous = facts.previous;
  return previous !== null && previous.liveSignal && previous.end.getTime() <= stillInCallCheckAt(facts).getTime();
}

export function placesHeadsUpAt(facts: HeadsUpFacts): Date {
  return minutesAfter(facts.start, -PLACES_LEAD_MINUTES);
}

export function stillInCallCheckAt(facts: HeadsUpFacts): Date {
  return minutesAfter(facts.start, -STILL_IN_CALL_LEAD_MINUTES);
}
