import { greeting, type PersonName } from "./names.js";
import { wordCount } from "./review.js";
import { oneLine, quoteTitle } from "../../platform/plain-text/plain-text.js";

export { oneLine, quoteTitle };

/** Small pieces every draft is built from (wording.ts, late-notice.ts, materials-note.ts). */

export const SIGN_OFF = "Best regards,";
const MAX_TITLE_WORDS_IN_BODY = 8;
export const DEFAULT_WHAT_WENT_WRONG = "That was my mistake, and I own it.";

export interface EmailDraft {
  subject: string;
  body: string;
}

export interface Variant {
  greeting: string;
  meeting: string;
  whatWentWrong: string;
}

export function preferredVariant(attendeeNames: readonly PersonName[], meetingTitle: string, whatWentWrong = ""): Variant {
  return { greeting: greeting(attendeeNames), meeting: meetingRef(meetingTitle), whatWentWrong };
}

/**
 * The preferred wording, or — when unusual input (many long names, a long user name) would
 * push it past the limit — shorter ones: the default what-went-wrong line, then no title
 * in the body, then "Hi all,". The last one is used even if still long.
 */
export function firstWithin(maxWords: number, compose: (variant: Variant) => string, preferred: Variant): string {
  const shorter: Variant[] = [
    preferred,
    { ...preferred, whatWentWrong: DEFAULT_WHAT_WENT_WRONG },
    { ...preferred, whatWentWrong: DEFAULT_WHAT_WENT_WRONG, meeting: "our meeting" },
    { greeting: "Hi all,", whatWentWrong: DEFAULT_WHAT_WENT_WRONG, meeting: "our meeting" },
  ];
  let body = "";
  for (const variant of shorter) {
    body = compose(variant);
    if (wordCount(body) <= maxWords) return body;
  }
  return body;
}

const TITLE_NAMES_A_MEETING = /\b(meeting|call|sync|catch-?up|chat|interview|review|demo|stand-?up|1:1|one-on-one|session|lunch|coffee|workshop|presentation|briefing|conversation)$/i;

/** `our "Q3 review"` · `our "Pricing" meeting` · `our meeting` (no title, or a long one). */
export function meetingRef(rawTitle: string): string {
  const title = oneLine(rawTitle);
  if (title === "" || wordCount(title) > MAX_TITLE_WORDS_IN_BODY) return "our meeting";
  return TITLE_NAMES_A_MEETING.test(title) ? `our ${quoteTitle(title)}` : `our ${quoteTitle(title)} meeting`;
}

export function signOff(userName: string): string {
  const name = oneLine(userName);
  return name ? `${SIGN_OFF}\n${name}` : SIGN_OFF;
}

export function paragraphs(...blocks: string[]): string {
  return blocks.filter((block) => block !== "").join("\n\n");
}
