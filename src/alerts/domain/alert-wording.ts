import { formatMeetingTime, formatTimeOfDay } from "../../platform/time-format/time-format.js";
import { oneLine, quoteTitle } from "../../platform/plain-text/plain-text.js";

/**
 * What an alert says to the user: the same seeds as every text (brief, true, no blame, concrete
 * times in the user's zone). Plain text; delivery makes the HTML.
 */
export interface AlertText {
  subject: string;
  body: string;
}

/**
 * Seed 002: don't stare at the clock hoping to make it; let them know now, with a
 * realistic time.
 */
export function lateAlert(input: {
  meetingTitle: string;
  minutesSinceStart: number;
  start: Date;
  timeZone: string;
  locale?: string;
}): AlertText {
  const title = oneLine(input.meetingTitle);
  const minutes = Math.max(0, Math.floor(input.minutesSinceStart));
  const ago = minutes === 0 ? "just now" : `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const startedAt = formatTimeOfDay(input.start, input.timeZone, input.locale);
  return {
    subject: `Running late for ${title || "your meeting"}?`,
    body: `${title ? quoteTitle(title) : "Your meeting"} started at ${startedAt}, ${ago}. If you're on your way, let them know now with a realistic time rather than hoping to make it. If you're already there, mark yourself as here.`,
  };
}

/** Seed 002 "The fumble — are you sure?": before admitting you goofed, be sure you did. */
export function suspectedMissedAlert(input: {
  meetingTitle: string;
  start: Date;
  end: Date;
  timeZone: string;
  locale?: string;
}): AlertText {
  const title = oneLine(input.meetingTitle);
  const when = formatMeetingTime(input.start, input.end, input.timeZone, input.locale);
  return {
    subject: `Did you miss ${title || "your meeting"}?`,
    body: `Are you sure? We saw no sign that you joined ${title ? quoteTitle(title) : "your meeting"} (${when}), but before you apologise, check that you really missed it. If you were there, mark it attended. If you missed it, confirm, and we'll help you make it right: a call first, then a note proposing new times.`,
  };
}

/**
 * A few minutes before a meeting no signal can see (in person, phone, another video link):
 * one tap to say "I'm here", or to warn them early (seed 002: call ahead with a realistic time
 * rather than staring at the clock). It asks nothing if the user ignores it.
 */
export function nudgeAlert(input: { meetingTitle: string; start: Date; timeZone: string; where: string | null; locale?: string }): AlertText {
  const title = oneLine(input.meetingTitle);
  const at = formatTimeOfDay(input.start, input.timeZone, input.locale);
  const place = input.where ? ` (${oneLine(input.where)})` : "";
  return {
    subject: `${title || "Your meeting"} starts at ${at}`,
    body: `We can't see this one${place}, so tap I'm here when you arrive. Running behind? Tell them now, with a realistic time.`,
  };
}

/**
 * Back to back at two places (seed 002, "dealing with tardiness"): the user cannot be at both
 * on time, so say so before the start, with one tap to warn the next meeting.
 */
export function placesHeadsUp(input: {
  meetingTitle: string;
  start: Date;
  where: string | null;
  previousTitle: string;
  previousEnd: Date;
  previousWhere: string | null;
  timeZone: string;
  locale?: string;
}): AlertText {
  const title = oneLine(input.meetingTitle) || "your next meeting";
  const previous = oneLine(input.previousTitle) || "your previous meeting";
  const at = (place: string | null) => (place ? ` at ${oneLine(place)}` : "");
  return {
    subject: `Heads-up: ${title} starts at ${formatTimeOfDay(input.start, input.timeZone, input.locale)}`,
    body: `${previous} ends at ${formatTimeOfDay(input.previousEnd, input.timeZone, input.locale)}${at(input.previousWhere)}, and ${title} starts at ${formatTimeOfDay(input.start, input.timeZone, input.locale)}${at(input.where)}. If you won't make it on time, tell them now, with a realistic time.`,
  };
}

/** Still in the previous call a couple of minutes before the next meeting starts. */
export function stillInCallHeadsUp(input: { meetingTitle: string; start: Date; previousTitle: string; timeZone: string; locale?: string }): AlertText {
  const title = oneLine(input.meetingTitle) || "your next meeting";
  const previous = oneLine(input.previousTitle) || "your previous meeting";
  return {
    subject: `Still in ${previous}? ${title} starts at ${formatTimeOfDay(input.start, input.timeZone, input.locale)}`,
    body: `You're still in the ${previous} call, and ${title} starts at ${formatTimeOfDay(input.start, input.timeZone, input.locale)}. If you'll be late, tell them now, with a realistic time.`,
  };
}

export interface DigestItem {
  readonly title: string;
  readonly start: Date;
  readonly end: Date;
}

/**
 * End of the working day: the meetings we could not see and got no check-in, asked about once
 * and together, not one by one (seed 002: be sure before admitting you goofed). No blame: most
 * of them were surely attended.
 */
export function digestAlert(input: { items: readonly DigestItem[]; timeZone: string; locale?: string }): AlertText {
  const count = input.items.length;
  const lines = input.items.map((item) => `- ${oneLine(item.title) || "(no title)"}, ${formatMeetingTime(item.start, item.end, input.timeZone, input.locale)}`);
  const these = count === 1 ? "this meeting" : `these ${count} meetings`;
  return {
    subject: count === 1 ? `Were you at ${oneLine(input.items[0]!.title) || "this meeting"}?` : `Were you at these ${count} meetings?`,
    body: `We couldn't see ${these}, and you didn't check in:\n${lines.join("\n")}\n\nIf you were there, one tap says so. If you missed one, tell us and we'll help you make it right.`,
  };
}
