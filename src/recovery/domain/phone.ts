import {
  findPhoneNumbersInText,
  parsePhoneNumberWithError,
  ParseError,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
} from "libphonenumber-js/max";

/**
 * The attendee's phone number for the call reminder (PRODUCT §4; seed 000 steps 1–2:
 * have the client's number, call immediately).
 *
 * Decisions:
 * - The "max" metadata is used so that only numbers valid in their country's plan are
 *   proposed; meeting ids, order numbers and dates do not pass that check.
 * - Conference dial-in details are not the attendee's phone, so they are removed before
 *   searching:
 *   · Google's delimited block ("-::~:~::~…::-") is dropped whole;
 *   · a line naming a dial-in ("Join by phone", "Dial-in", "Or dial", "Dial by your
 *     location", "One tap mobile", "Or call in", "More phone numbers", "Audio
 *     conference") is dropped, and so are the lines after it while they carry digits
 *     (the list of bridge numbers), up to a blank line;
 *   · any line with a PIN, passcode, meeting/conference/access/participant id, a
 *     one-tap ",," sequence, a "digits#" code or a tel.meet link is dropped.
 *   A real contact number written on such a line is lost; proposing a conference bridge
 *   as "call Dana now" would be worse.
 * - HTML descriptions (Google allows them) are reduced to text first; bidi marks that
 *   Google puts around numbers are removed.
 * - Results keep the order of the sources and of the text, deduplicated by E.164 (the
 *   first occurrence wins, so the caller decides priority by the order of `texts`).
 * - `display` is the national format when the number is in `defaultCountry`, otherwise
 *   the international one; `telUri` follows RFC 3966 (";ext=" when an extension was
 *   written).
 */

export type { CountryCode } from "libphonenumber-js/max";

export interface PhoneCandidate {
  /** "+14155550123" */
  e164: string;
  /** "tel:+14155550123" (RFC 3966; ";ext=12" when an extension was written) */
  telUri: string;
  /** "(415) 555-0123" at home, "+44 20 7946 0958" abroad */
  display: string;
  country?: CountryCode;
  extension?: string;
  /** Index into `texts` of the source the number was found in. */
  sourceIndex: number;
  /** The line it was found on, trimmed to 120 characters, to show where it came from. */
  context: string;
}

export interface FindPhoneNumbersInput {
  /** Event description, location, attendee details, contact notes — in priority order. */
  texts: readonly string[];
  defaultCountry?: CountryCode;
}

export type PhoneRejection =
  | "empty"
  | "not_a_number"
  | "missing_country_code"
  | "too_short"
  | "too_long"
  | "invalid_length"
  | "invalid";

export type NormalisedPhone =
  | { ok: true; e164: string; telUri: string; display: string }
  | { ok: false; reason: PhoneRejection; message: string };

const REJECTION_MESSAGES: Record<PhoneRejection, string> = {
  empty: "Enter a phone number.",
  not_a_number: "That does not look like a phone number.",
  missing_country_code: "Add the country code, for example +1 or +44.",
  too_short: "That number is too short.",
  too_long: "That number is too long.",
  invalid_length: "That number has the wrong number of digits for its country.",
  invalid: "That number is not a valid phone number for its country.",
};

const GOOGLE_CONFERENCE_DELIMITER = /-::~[:~]*::-/;
const DIAL_IN_HEADER =
  /\b(join(ing)? by phone|dial[- ]?in|or dial|dial by your location|one tap mobile|or call in|call in \(audio only\)|more phone numbers|audio conference|conference (call|line|bridge))\b/i;
const CONFERENCE_LINE =
  /\b(pin|passcode|password|meeting id|conference id|access code|participant code|webinar id|attendee id)\b|tel\.meet|,,|\d#/i;

export function findPhoneNumbers(input: FindPhoneNumbersInput): PhoneCandidate[] {
  const seen = new Set<string>();
  const candidates: PhoneCandidate[] = [];
  input.texts.forEach((text, sourceIndex) => {
    for (const line of contactLines(text)) {
      const found = input.defaultCountry
        ? findPhoneNumbersInText(line, { defaultCountry: input.defaultCountry })
        : findPhoneNumbersInText(line);
      for (const { number } of found) {
        if (seen.has(number.number)) continue;
        seen.add(number.number);
        candidates.push({ ...describe(number, input.defaultCountry), sourceIndex, context: truncate(line.trim(), 120) });
      }
    }
  });
  return candidates;
}

/** A number the user typed: valid for its country, or a reason it is not. */
export function normalisePhone(raw: string, defaultCountry?: CountryCode): NormalisedPhone {
  const text = raw.trim();
  if (text === "") return rejected("empty");
  if (text.length > 40) return rejected("too_long");
  // Letters are allowed only as an extension marker ("ext. 12", "x12"); vanity numbers
  // and stray words are refused rather than guessed.
  if (/[a-z]/i.test(text.replace(/\b(extension|ext\.?|x)\s*\d+\s*$/i, ""))) return rejected("not_a_number");
  let number: PhoneNumber;
  try {
    number = parsePhoneNumberWithError(text, { defaultCountry, extract: false });
  } catch (error) {
    if (error instanceof ParseError) return rejected(parseErrorReason(error.message));
    throw error;
  }
  if (!number.isValid()) {
    const length = validatePhoneNumberLength(text, { defaultCountry });
    return rejected(length ? parseErrorReason(length) : "invalid");
  }
  const { e164, telUri, display } = describe(number, defaultCountry);
  return { ok: true, e164, telUri, display };
}

function describe(number: PhoneNumber, home: CountryCode | undefined): Omit<PhoneCandidate, "sourceIndex" | "context"> {
  const atHome = home !== undefined && number.country === home;
  const described: Omit<PhoneCandidate, "sourceIndex" | "context"> = {
    e164: number.number,
    telUri: number.getURI(),
    display: atHome ? number.formatNational() : number.formatInternational(),
  };
  if (number.country) described.country = number.country;
  if (number.ext) described.extension = number.ext;
  return described;
}

function parseErrorReason(code: string): PhoneRejection {
  switch (code) {
    case "INVALID_COUNTRY":
      return "missing_country_code";
    case "TOO_SHORT":
      return "too_short";
    case "TOO_LONG":
      return "too_long";
    case "INVALID_LENGTH":
      return "invalid_length";
    case "NOT_A_NUMBER":
      return "not_a_number";
    default:
      return "invalid";
  }
}

function rejected(reason: PhoneRejection): NormalisedPhone {
  return { ok: false, reason, message: REJECTION_MESSAGES[reason] };
}

/** The lines of a source that may hold a contact number: conference details removed. */
export function contactLines(text: string): string[] {
  const lines = withoutGoogleConferenceBlock(plainText(text)).split("\n");
  const kept: string[] = [];
  let inDialInSection = false;
  for (const line of lines) {
    if (line.trim() === "") {
      inDialInSection = false;
      continue;
    }
    if (DIAL_IN_HEADER.test(line)) {
      inDialInSection = true;
      continue;
    }
    if (inDialInSection && /\d{3}/.test(line)) continue;
    inDialInSection = false;
    if (CONFERENCE_LINE.test(line)) continue;
    kept.push(line);
  }
  return kept;
}

function withoutGoogleConferenceBlock(text: string): string {
  const parts = text.split(new RegExp(`^.*${GOOGLE_CONFERENCE_DELIMITER.source}.*$`, "m"));
  // Delimiters come in pairs around the block: keep the even-indexed parts (outside).
  return parts.filter((_, index) => index % 2 === 0).join("\n");
}

function plainText(text: string): string {
  const withoutMarks = text.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "").replace(/\r\n?/g, "\n");
  if (!/<[a-z/!][^>]*>/i.test(withoutMarks)) return withoutMarks;
  return withoutMarks
    .replace(/<\s*br\s*\/?>/gi, "\n")
    .replace(/<\/\s*(p|div|li|tr|h[1-6])\s*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/gi, " ")
    .replace(/&#(\d+);/g, (_, code: string) => codePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => codePoint(Number.parseInt(code, 16)))
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'")
    .replace(/&amp;/gi, "&");
}

function codePoint(code: number): string {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
