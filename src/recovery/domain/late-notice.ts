import { formatClockForBoth, formatSlotForBoth } from "./format.js";
import type { PersonName } from "./names.js";
import type { ProposedSlot } from "./slots.js";
import { firstWithin, oneLine, paragraphs, preferredVariant, type EmailDraft, type Variant } from "./text.js";

/**
 * "Tell them I'm N minutes late" (PRODUCT §3; seed 002 "Dealing with tardiness": a realistic
 * time frame, and be sure it is ample).
 *
 * Decisions:
 * - The notice promises a clock time, not a rounded number of minutes: "I'll be there by
 *   3:25 PM". The user's N is kept as typed; the margin is added on top and shown to them
 *   before sending ("12 min + 4 min margin"), so the email never holds a number they did not
 *   see.
 * - N counts from the start when the meeting has not begun yet, and from now once it has (a
 *   user 7 minutes into the meeting who types 12 means "12 more minutes"). `now` is taken to
 *   the whole minute so that the figures shown add up exactly.
 * - Margin: a quarter of N, at least 3 minutes, then up to the next five-minute mark of the
 *   clock (people say "by 3:25", not "by 3:23"). 12 → +3 or more; 60 → +15 or more.
 * - A delay that would bring the user in at or after the meeting's end gets no ETA: "with
 *   you in 270 minutes" for a 45-minute meeting helps nobody. The notice then says so and
 *   offers other times (from the slot finder) instead.
 */

export const MIN_LATE_MARGIN_MINUTES = 3;
export const LATE_MARGIN_SHARE = 0.25;
export const MAX_MINUTES_LATE = 240;
/** Word limits, as "under N words". */
export const LATE_NOTICE_MAX_WORDS = 59;
export const CANT_MAKE_IT_MAX_WORDS = 89;
const FIVE_MINUTES_MS = 5 * 60_000;
const SLOTS_IN_CANT_MAKE_IT = 2;

export interface LatePlan {
  /** the minutes the user typed, as typed */
  minutesLate: number;
  /** where the minutes count from: the start, or now once the meeting began */
  countedFrom: Date;
  /** countedFrom + minutesLate */
  expectedAt: Date;
  /** what the notice promises: expectedAt plus the margin */
  arriveBy: Date;
  marginMinutes: number;
  /** false: they would arrive at or after the end, so the notice offers another time */
  fits: boolean;
}

export function latePlan(input: { now: Date; start: Date; end: Date; minutesLate: number }): LatePlan {
  const minutes = Math.max(0, Math.round(input.minutesLate));
  const nowMinute = Math.floor(input.now.getTime() / 60_000) * 60_000;
  const from = Math.max(nowMinute, input.start.getTime());
  const expected = from + minutes * 60_000;
  const cushion = Math.max(MIN_LATE_MARGIN_MINUTES, Math.ceil(minutes * LATE_MARGIN_SHARE)) * 60_000;
  const arriveBy = Math.ceil((expected + cushion) / FIVE_MINUTES_MS) * FIVE_MINUTES_MS;
  return {
    minutesLate: minutes,
    countedFrom: new Date(from),
    expectedAt: new Date(expected),
    arriveBy: new Date(arriveBy),
    marginMinutes: Math.round((arriveBy - expected) / 60_000),
    fits: arriveBy < input.end.getTime(),
  };
}

export interface LateNoticeInput {
  attendeeNames: readonly PersonName[];
  meetingTitle: string;
  userName: string;
  plan: LatePlan;
  /** the user's zone */
  timeZone: string;
  /** the other people's zone when known (the event's, when someone else organised it) */
  theirTimeZone?: string | null;
  /** when the plan does not fit: times to offer instead (up to two are used) */
  slots?: readonly ProposedSlot[];
  locale?: string;
}

/** The sentence that carries the promise, as the user sees it before sending. */
export function arrivalSentence(input: Pick<LateNoticeInput, "plan" | "timeZone" | "theirTimeZone" | "locale">): string {
  return `I'll be there by ${formatClockForBoth(input.plan.arriveBy, input.timeZone, input.theirTimeZone, input.locale)}.`;
}

/** One apology, the arrival time, an open door; or, when it cannot fit, no ETA and new times. */
export function lateNotice(input: LateNoticeInput): EmailDraft {
  return input.plan.fits ? onTheWay(input) : cantMakeIt(input);
}

function onTheWay(input: LateNoticeInput): EmailDraft {
  const title = oneLine(input.meetingTitle);
  const at = formatClockForBoth(input.plan.arriveBy, input.timeZone, input.theirTimeZone, input.locale);
  const compose = (variant: Variant): string =>
    paragraphs(
      variant.greeting,
      `I'm sorry, I'm running late for ${variant.meeting}. ${arrivalSentence(input)}`,
      "If that no longer suits you, I'm glad to find another time instead.",
      oneLine(input.userName),
    );
  return {
    subject: title ? `Running late, there by ${at}: ${title}` : `Running late, there by ${at}`,
    body: firstWithin(LATE_NOTICE_MAX_WORDS, compose, preferredVariant(input.attendeeNames, input.meetingTitle)),
  };
}

function cantMakeIt(input: LateNoticeInput): EmailDraft {
  const title = oneLine(input.meetingTitle);
  const slots = (input.slots ?? []).slice(0, SLOTS_IN_CANT_MAKE_IT).map((slot) => formatSlotForBoth(slot, input.timeZone, input.theirTimeZone, input.locale));
  const offer =
    slots.length === 0
      ? ["Could we find another time? Tell me what suits you and I'll make it work."]
      : [`Could we move it? ${slots.length === 1 ? "I'm free on:" : "I'm free at these times:"}`, slots.map((slot) => `- ${slot}`).join("\n"), `Would ${slots.length === 1 ? "that" : "either"} work, or is there a time that suits you better?`];
  const compose = (variant: Variant): string =>
    paragraphs(variant.greeting, `I'm sorry, I can't make ${variant.meeting} in time, and I'd rather not keep you waiting.`, ...offer, oneLine(input.userName));
  return {
    subject: title ? `Can't make it in time: ${title}` : "Can't make it in time",
    body: firstWithin(CANT_MAKE_IT_MAX_WORDS, compose, preferredVariant(input.attendeeNames, input.meetingTitle)),
  };
}
