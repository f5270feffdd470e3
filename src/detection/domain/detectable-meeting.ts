import type { MeetingState } from "./states.js";

/** What detection needs to know about one meeting; all instants are UTC `Date`s. */
export interface DetectableMeeting {
  readonly id: string;
  readonly start: Date;
  readonly end: Date;
  /** the stored detection state; null = never seen watched */
  readonly state: MeetingState | null;
  /** the current result of the watched rule (`isWatched`) */
  readonly watched: boolean;
  readonly isCancelled: boolean;
  /** the user's own response is "declined" */
  readonly selfDeclined: boolean;
  /**
   * how the meeting can be known: calendars' EvidenceSource (src/calendars/domain), spelt out
   * because a domain folder imports nothing outside itself
   */
  readonly source: "conference" | "presence" | "check_in";
  /** joins can be seen while it runs, so "running late?" can be true */
  readonly liveSignal: boolean;
  /** a live-only signal (Teams presence) was read while the meeting ran: only then does its silence mean something */
  readonly liveSignalRead: boolean;
  /**
   * Since when we watch this calendar (the connection was made). A meeting that ended before
   * is placed quietly: nobody is asked about what happened before they signed up.
   */
  readonly watchedSince: Date | null;
}

/**
 * Cancelled and declined are checked again here, not only through `watched`, so an edge that
 * refreshed the flags but not `watched` still never alerts about a cancelled meeting.
 */
export function isWatchedNow(meeting: DetectableMeeting): boolean {
  return meeting.watched && !meeting.isCancelled && !meeting.selfDeclined;
}

/**
 * Whether "are you sure?" can be asked about this meeting on its own: its conference can be
 * read, or its presence was read while it ran and never showed a call. Anything else is only
 * known from a check-in, and goes to the digest.
 */
export function signalSeesAbsence(meeting: Pick<DetectableMeeting, "source" | "liveSignalRead">): boolean {
  return meeting.source === "conference" || (meeting.source === "presence" && meeting.liveSignalRead);
}

/** Ended before we watched: decided for the history, never asked about. */
export function endedBeforeWatching(meeting: Pick<DetectableMeeting, "end" | "watchedSince">): boolean {
  return meeting.watchedSince !== null && meeting.end.getTime() <= meeting.watchedSince.getTime();
}

export type UnwatchedReason = "cancelled" | "declined" | "no_longer_watched";

export function unwatchedReason(meeting: DetectableMeeting): UnwatchedReason {
  if (meeting.isCancelled) return "cancelled";
  if (meeting.selfDeclined) return "declined";
  return "no_longer_watched";
}
