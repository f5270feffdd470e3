import { DateTime, IANAZone } from "luxon";
import { formatSlotForBoth } from "./format.js";
import { firstName, greeting, type PersonName } from "./names.js";
import { reviewDraft, wordCount } from "./review.js";
import { DEFAULT_WHAT_WENT_WRONG, firstWithin, meetingRef, oneLine, paragraphs, quoteTitle, signOff, type EmailDraft, type Variant } from "./text.js";

export { DEFAULT_WHAT_WENT_WRONG, type EmailDraft } from "./text.js";
import type { ProposedSlot } from "./slots.js";

/**
 * What the user and the other person read after a late or missed meeting. Everything
 * here carries the two seeds' advice: be brief, tell the truth, blame no one, one apology
 * and no grovelling, never call yourself names, offer concrete days and times, be
 * accommodating, give the second meeting full attention, show value without boasting.
 *
 * Decisions:
 * - Plain text; the caller makes HTML. English only (the seeds' wording); dates follow
 *   `locale` where one is taken.
 * - A meeting title is named in the body only when it is short (≤ 8 words); the subject
 *   always carries it. Long titles cost the words that brevity needs.
 * - Drafts never contain placeholders like "[your value here]": a draft may be approved
 *   as it is, so every sentence must be sendable.
 * - Word limits (reschedule < 120, late notice < 60): when unusual input would break them,
 *   a shorter variant is chosen (see `firstWithin`); property tests hold drafts to them for
 *   arbitrary names, titles and slots. `reviewDraft` finds nothing in any draft made here.
 */

const MAX_WHAT_WENT_WRONG_WORDS = 20;
const MAX_SLOTS_IN_PROPOSAL = 3;

// ——— the call ———

export interface CallScript {
  /** Say these three lines, in order: the point and an apology; the truth, no blame; the offer. */
  lines: readonly [string, string, string];
}

/** Seed 000 steps 2–3: call immediately, get to the point, tell the truth, blame no one. */
export function callScript(input: { attendeeName?: PersonName; meetingTitle: string; userName: string }): CallScript {
  const name = firstName(input.attendeeName);
  const me = firstName(input.userName);
  const hello = [name ? `Hi ${name}` : "Hi", me ? `it's ${me}` : undefined].filter(Boolean).join(", ");
  return {
    lines: [
      `${hello}. I missed ${meetingRef(input.meetingTitle)}, and I'm sorry.`,
      "I have no excuse: it was my mistake, and I own it.",
      "I'd value a second chance: could we find a new time? I'll work around your schedule.",
    ],
  };
}

// ——— the reschedule proposal ———

export interface RescheduleProposalInput {
  attendeeNames: readonly PersonName[];
  meetingTitle: string;
  /** 2–3 slots from `proposeSlots`; more are cut to 3, fewer are handled. */
  slots: readonly ProposedSlot[];
  /** Zone the slots are written in (the user's). */
  timeZone: string;
  /** The other people's zone when known (the event's, when someone else organised it): slots are written in it too when it differs. */
  theirTimeZone?: string | null;
  userName: string;
  /**
   * One line on what went wrong, in the user's words. Used when it is one sentence of at
   * most 20 words with no apology, blame or self-insult (see `reviewDraft`); otherwise the
   * neutral default is used — the user can still edit the draft before approving it.
   */
  whatWentWrong?: string;
  /** When the missed meeting started, with `now`, to say "yesterday" / "on Monday". */
  missedAt?: Date;
  now?: Date;
  locale?: string;
}


/**
 * Seed 002 "The proactive approach": apologise, a very brief explanation, then ask for a
 * second meeting, closing with concrete days and times and an open door.
 */
export function rescheduleProposal(input: RescheduleProposalInput): EmailDraft {
  const locale = input.locale ?? "en-US";
  const title = oneLine(input.meetingTitle);
  const when = input.missedAt && input.now ? relativeDay(input.missedAt, input.now, input.timeZone, locale) : "";
  const slots = input.slots.slice(0, MAX_SLOTS_IN_PROPOSAL).map((slot) => formatSlotForBoth(slot, input.timeZone, input.theirTimeZone, locale));
  const ask = "Our conversation matters to me, and I would value the chance to speak with you again.";
  const offer =
    slots.length === 0
      ? [`${ask} Would you have any time in the next few days? Tell me what suits you and I'll make it work.`]
      : [
          `${ask} ${slots.length === 1 ? "I'm free on:" : "I'm free at these times:"}`,
          slots.map((slot) => `- ${slot}`).join("\n"),
          `Would ${slots.length === 1 ? "that" : "any of these"} work, or is there a time that suits you better? I'll make it work.`,
        ];
  const compose = (variant: Variant): string =>
    paragraphs(
      variant.greeting,
      `I'm sorry I missed ${variant.meeting}${when}. ${variant.whatWentWrong}`,
      ...offer,
      signOff(input.userName),
    );
  return {
    subject: title ? `Finding a new time for ${title}` : "Finding a new time to meet",
    body: firstWithin(PROPOSAL_MAX_WORDS, compose, {
      greeting: greeting(input.attendeeNames),
      meeting: meetingRef(input.meetingTitle),
      whatWentWrong: acceptedWhatWentWrong(input.whatWentWrong),
    }),
  };
}

/** Word limits, as "under N words". */
export const PROPOSAL_MAX_WORDS = 119;

function acceptedWhatWentWrong(text: string | undefined): string {
  const line = oneLine(text ?? "");
  if (line === "" || wordCount(line) > MAX_WHAT_WENT_WRONG_WORDS) return DEFAULT_WHAT_WENT_WRONG;
  const sentence = `${line.charAt(0).toUpperCase()}${line.slice(1)}${/[.!?]$/.test(line) ? "" : "."}`;
  if (reviewDraft(sentence).length > 0 || /\bsorry\b|apolog/i.test(sentence)) return DEFAULT_WHAT_WENT_WRONG;
  return sentence;
}

/** " earlier today", " yesterday", " on Monday", " on November 20", in the user's zone. */
function relativeDay(missedAt: Date, now: Date, timeZone: string, locale: string): string {
  if (!IANAZone.isValidZone(timeZone)) return "";
  const missedDay = DateTime.fromJSDate(missedAt, { zone: timeZone }).startOf("day");
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf("day");
  const days = Math.round(today.diff(missedDay, "days").days);
  if (!Number.isFinite(days) || days < 0) return "";
  if (days === 0) return " earlier today";
  if (days === 1) return " yesterday";
  if (days < 7) return ` on ${missedDay.setLocale(locale).toFormat("cccc")}`;
  return ` on ${missedDay.setLocale(locale).toLocaleString({ month: "long", day: "numeric" })}`;
}

// ——— thanks, gift ———

/** Seed 000 step 10: follow up immediately and show appreciation. */
export function thankYouNote(input: {
  attendeeNames: readonly PersonName[];
  meetingTitle: string;
  userName: string;
}): EmailDraft {
  const title = oneLine(input.meetingTitle);
  return {
    subject: title ? `Thank you: ${title}` : "Thank you for today",
    body: paragraphs(
      greeting(input.attendeeNames),
      "Thank you for meeting with me today, and for making the time again. I enjoyed our conversation, and I'll follow up on what we discussed shortly.",
      signOff(input.userName),
    ),
  };
}

/** Seed 000 step 10: "a personalized, hand written Thank You note". For the user, not the client. */
export function handwrittenNotePrompt(input: { attendeeName?: PersonName; meetingTitle?: string; meetingOver?: boolean }): string {
  const name = firstName(input.attendeeName) ?? "them";
  // Before the new meeting, "today … by tomorrow" would be untrue: it is due after the meeting.
  if (input.meetingOver === false) {
    return `After your new meeting, write ${name} a short handwritten thank-you note: thank them for their time and the second chance, mention one thing from your conversation, and post it the next day.`;
  }
  return `Write ${name} a short handwritten thank-you note today: thank them for their time and the second chance, mention one thing from your conversation, and post it by tomorrow.`;
}

export interface GiftPrompt {
  title: string;
  body: string;
  ideas: string[];
}

/**
 * Seed 000 step 4 (rebuild trust first: cookies, a plant or flowers) and step 8 (learn
 * what the client likes; a small token breaks the ice at the next meeting).
 */
export function giftPrompt(input: { attendeeName?: PersonName; likes?: string }): GiftPrompt {
  const name = firstName(input.attendeeName);
  const likes = oneLine(input.likes ?? "").slice(0, 80).replace(/[.\s]+$/, "");
  const who = name ?? "them";
  // Due hours after the proposal went out: "while you wait", not "before asking" (it has been asked).
  const base = `While you wait for their answer, rebuild trust with a small gesture: cookies, a plant or flowers, with a short card saying you'd value a second chance to build a lasting working relationship.`;
  const personal = likes
    ? `${name ?? "They"} ${name ? "likes" : "like"} ${likes}: a small token along those lines makes it personal, and gives you an easy way to break the ice at your next meeting.`
    : `Note anything you learn about what ${who === "them" ? "they enjoy" : `${who} enjoys`} (hobbies, travel): a small related token breaks the ice at your next meeting.`;
  const ideas = ["Cookies", "A plant", "Flowers"];
  if (likes) ideas.push(`Something small for ${likes}`);
  return { title: name ? `Send ${name} something small` : "Send something small", body: `${base} ${personal}`, ideas };
}

// ——— the second meeting ———

/** Seed 000 step 9: arrive early, read your materials, give them your full attention. */
export function bufferBlockText(input: { meetingTitle: string; minutes: number }): { summary: string; description: string } {
  const title = oneLine(input.meetingTitle);
  return {
    summary: title ? `Buffer before ${title}` : "Buffer before your meeting",
    description: `${Math.max(0, Math.round(input.minutes))} minutes kept clear on purpose: arrive early, read through your materials, and give this meeting your full attention. Book nothing else here.`,
  };
}
