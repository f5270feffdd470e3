/**
 * The detection states of a watched meeting (PRODUCT §3) and the arrows between them.
 * The names are the ones the API and the database use (`MeetingState` in prisma/schema.prisma).
 */
export const MEETING_STATES = [
  "upcoming",
  "in_progress",
  "late",
  "attended",
  "suspected_missed",
  "missed",
  "excused",
] as const;

export type MeetingState = (typeof MEETING_STATES)[number];

/** Nothing leaves these: a later cancellation of an attended or missed meeting changes nothing. */
export const FINAL_STATES: ReadonlySet<MeetingState> = new Set<MeetingState>(["attended", "missed", "excused"]);

export function isFinalState(state: MeetingState): boolean {
  return FINAL_STATES.has(state);
}

export interface Arrow {
  readonly from: MeetingState;
  readonly to: MeetingState;
}

/**
 * Every legal arrow. There is no arrow back (a meeting moved later does not become
 * `upcoming` again), so the diagram is acyclic: each arrow is taken at most once per
 * meeting, which is what lets `state_transitions` be unique on (meeting, from, to).
 *
 * `in_progress → suspected_missed` exists for meetings shorter than the grace period
 * (a 5-minute stand-up with a 10-minute grace ends before anyone could be "late").
 * An early check-in does not get its own `upcoming → attended` arrow: at the start the
 * meeting goes `upcoming → in_progress → attended` in one decision.
 */
export const LEGAL_TRANSITIONS: readonly Arrow[] = [
  { from: "upcoming", to: "in_progress" },
  { from: "upcoming", to: "excused" },
  { from: "in_progress", to: "attended" },
  { from: "in_progress", to: "late" },
  { from: "in_progress", to: "suspected_missed" },
  { from: "in_progress", to: "excused" },
  { from: "late", to: "attended" },
  { from: "late", to: "suspected_missed" },
  { from: "late", to: "excused" },
  { from: "suspected_missed", to: "attended" },
  { from: "suspected_missed", to: "missed" },
  { from: "suspected_missed", to: "excused" },
];

const legalArrowKeys: ReadonlySet<string> = new Set(LEGAL_TRANSITIONS.map(({ from, to }) => `${from}>${to}`));

export function isLegalTransition(from: MeetingState, to: MeetingState): boolean {
  return legalArrowKeys.has(`${from}>${to}`);
}
