/**
 * Checks a draft against the seeds' advice. The drafts made here pass it by construction
 * (the tests hold them to it); the dashboard can run it on a user's edit before approval
 * and show gentle hints ("this mentions traffic: blame no one").
 *
 * - blame: seed 000 step 3, "Don't blame anyone or anything".
 * - self_insult: seed 002, "Do not beat up on yourself or refer to yourself as an idiot
 *   or moron".
 * - grovel / extra_apology: seed 000 step 7, "No need to keep apologizing"; one apology
 *   phrase per message.
 * - too_long: seed 002, "brevity is a must".
 * Matching is on whole words, case-insensitive. It is a hint, not a filter: it can be
 * fooled and it can over-match ("traffic" in a logistics company's name).
 */

export type DraftFindingKind = "blame" | "self_insult" | "grovel" | "extra_apology" | "too_long";

export interface DraftFinding {
  kind: DraftFindingKind;
  /** The words that triggered it (or the count, for extra_apology / too_long). */
  match: string;
}

export const BLAME_PHRASES: readonly string[] = [
  "traffic",
  "fault of",
  "not my fault",
  "wasn't my fault",
  "was not my fault",
  "blame",
  "glitch",
  "stuck in",
  "my assistant",
  "calendar app",
  "the app",
  "the system",
  "technical issue",
  "technical issues",
  "technical difficulties",
  "wifi",
  "wi-fi",
  "internet",
  "someone else",
  "nobody told me",
  "no one told me",
  "wasn't told",
  "was not told",
  "they forgot",
];

export const SELF_INSULT_PHRASES: readonly string[] = [
  "idiot",
  "moron",
  "stupid",
  "incompetent",
  "useless",
  "hopeless",
  "such a fool",
  "terrible person",
  "i'm the worst",
  "i am the worst",
  "i hate myself",
  "unforgivable",
  "mortified",
];

export const GROVEL_PHRASES: readonly string[] = [
  "so so sorry",
  "so very sorry",
  "terribly sorry",
  "deeply sorry",
  "profusely",
  "i beg",
  "forgive me",
  "please forgive",
  "ever forgive",
];

const APOLOGY = /\b(sorry|apologi[sz]e[sd]?|apologi[sz]ing|apology|apologies)\b/gi;

/** Words as a reader counts them: tokens with at least one letter or digit. */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

/** How many apology words ("sorry", "apologise", "apologies", …) the text holds. */
export function countApologies(text: string): number {
  return text.match(APOLOGY)?.length ?? 0;
}

export function reviewDraft(text: string, options: { maxWords?: number } = {}): DraftFinding[] {
  const findings: DraftFinding[] = [];
  const lists: ReadonlyArray<readonly [DraftFindingKind, readonly string[]]> = [
    ["blame", BLAME_PHRASES],
    ["self_insult", SELF_INSULT_PHRASES],
    ["grovel", GROVEL_PHRASES],
  ];
  const normalised = text.replace(/[\u2018\u2019]/g, "'");
  for (const [kind, phrases] of lists) {
    for (const phrase of phrases) {
      if (containsPhrase(normalised, phrase)) findings.push({ kind, match: phrase });
    }
  }
  const apologies = countApologies(normalised);
  if (apologies > 1) findings.push({ kind: "extra_apology", match: String(apologies) });
  const words = wordCount(normalised);
  if (options.maxWords !== undefined && words > options.maxWords) findings.push({ kind: "too_long", match: String(words) });
  return findings;
}

export function containsPhrase(text: string, phrase: string): boolean {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+");
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, "iu").test(text);
}
