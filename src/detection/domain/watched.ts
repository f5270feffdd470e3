/**
 * PRODUCT §3: a meeting is watched when it has at least one other attendee, the user has
 * not declined it, it is not cancelled, not all-day, and not marked free. Our own buffer
 * events are never meetings.
 */
export interface WatchableMeeting {
  isCancelled: boolean;
  isAllDay: boolean;
  isFree: boolean;
  isBuffer: boolean;
  selfResponse: "needs_action" | "accepted" | "tentative" | "declined";
  attendees: ReadonlyArray<{ isSelf: boolean; isResource: boolean; response: string }>;
}

export function isWatched(meeting: WatchableMeeting): boolean {
  if (meeting.isCancelled || meeting.isAllDay || meeting.isFree || meeting.isBuffer) return false;
  if (meeting.selfResponse === "declined") return false;
  return meeting.attendees.some((attendee) => !attendee.isSelf && !attendee.isResource);
}
