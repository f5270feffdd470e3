/**
 * PRODUCT §3: a meeting is watched when it has at least one other person (an attendee, or the
 * organiser when that is not the user), the user has not declined it, it is not cancelled, not
 * all-day, and not marked free. Our own buffer events are never meetings.
 *
 * The organiser counts on its own because Graph names the organiser only in `organizer`, not
 * among the attendees: a 1:1 a colleague organises with only the user invited is a meeting.
 */
export interface WatchableMeeting {
  isCancelled: boolean;
  isAllDay: boolean;
  isFree: boolean;
  isBuffer: boolean;
  selfResponse: "needs_action" | "accepted" | "tentative" | "declined";
  attendees: ReadonlyArray<{ email: string; isSelf: boolean; isResource: boolean; response: string }>;
  organizer: { email: string } | null;
  isOrganizer: boolean;
}

export function isWatched(meeting: WatchableMeeting): boolean {
  if (meeting.isCancelled || meeting.isAllDay || meeting.isFree || meeting.isBuffer) return false;
  if (meeting.selfResponse === "declined") return false;
  if (meeting.attendees.some((attendee) => !attendee.isSelf && !attendee.isResource)) return true;
  return organizedBySomeoneElse(meeting);
}

function organizedBySomeoneElse(meeting: WatchableMeeting): boolean {
  if (meeting.isOrganizer || !meeting.organizer?.email) return false;
  const organizer = meeting.organizer.email.toLowerCase();
  // An organiser listed as one of the user's own addresses, or as a room, is nobody else.
  return !meeting.attendees.some((attendee) => attendee.email.toLowerCase() === organizer && (attendee.isSelf || attendee.isResource));
}

/**
 * Why a meeting is not watched, in one line for its row ("Not watched" alone reads like a fault);
 * null when it is watched.
 */
export function notWatchedReason(meeting: WatchableMeeting): string | null {
  if (isWatched(meeting)) return null;
  if (meeting.isCancelled) return "Cancelled: nothing to watch";
  if (meeting.selfResponse === "declined") return "You declined it, so we won't ask about it";
  if (meeting.isBuffer) return "Your buffer before a meeting";
  if (meeting.isAllDay) return "All-day event: not a meeting to join";
  if (meeting.isFree) return "Shown as free on your calendar: we don't watch it";
  return "No one else is invited: we don't watch it";
}
