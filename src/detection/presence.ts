/**
 * Graph presence activities that mean the user is in a call. `InAMeeting` is not one of them:
 * Teams derives it from the calendar, so it says a meeting is booked, not that anyone joined.
 */
const IN_A_CALL: ReadonlySet<string> = new Set(["InACall", "InAConferenceCall"]);

export function inACall(activity: string): boolean {
  return IN_A_CALL.has(activity);
}
