/**
 * How people are addressed in drafts: by first name, the way one would on the phone.
 *
 * Decisions:
 * - "Dana Smith" → "Dana"; "Smith, Dana" (directory order) → "Dana"; "Dr. Dana Smith" →
 *   "Dr. Smith" (a title the person chose is kept, with the family name).
 * - A value containing "@" is an address, not a name, and is skipped rather than guessed
 *   from ("dana.smith@…" may be "Dana" or a shared inbox).
 * - Parenthesised parts ("Dana Smith (Acme)") are dropped.
 * - Names are deduplicated by first name, case-insensitively: two Danas get one "Dana".
 * - A greeting names at most four people; more than that is "Hi all," (a long list of
 *   names reads like a mailing list, and costs words the message needs).
 */

const HONORIFIC = /^(mr|mrs|ms|mx|dr|prof|sir|dame)\.?$/i;
const NAME_SUFFIX = /^(phd|md|jr|sr|ii|iii|iv|mba|esq|cpa)\.?$/i;
const MAX_GREETED = 4;

export type PersonName = string | null | undefined;

export function firstName(name: PersonName): string | undefined {
  const clean = (name ?? "").replace(/\([^)]*\)/g, " ").replace(/\s+/g, " ").trim();
  if (clean === "" || clean.includes("@")) return undefined;
  const [beforeComma = "", afterComma = ""] = clean.split(",").map((part) => part.trim());
  const directoryOrder = !beforeComma.includes(" ") && afterComma !== "" && !NAME_SUFFIX.test(afterComma);
  const tokens = (directoryOrder ? afterComma : beforeComma).split(" ").filter((token) => token !== "");
  const [first, ...rest] = tokens;
  if (first === undefined) return undefined;
  if (HONORIFIC.test(first)) {
    const family = directoryOrder ? beforeComma : rest.filter((token) => !NAME_SUFFIX.test(token)).at(-1);
    if (family === undefined) return undefined;
    const title = first.endsWith(".") ? first : `${first}.`;
    return `${title.charAt(0).toUpperCase()}${title.slice(1)} ${family}`;
  }
  return first;
}

/** "Dana" · "Dana and Lee" · "Dana, Lee and Sam"; undefined when no usable name. */
export function joinNames(names: readonly PersonName[]): string | undefined {
  const firsts = uniqueFirstNames(names);
  return firsts.length === 0 ? undefined : joinList(firsts);
}

/** "Hi Dana," · "Hi Dana and Lee," · "Hi," when no name is known · "Hi all," for many. */
export function greeting(names: readonly PersonName[]): string {
  const firsts = uniqueFirstNames(names);
  if (firsts.length === 0) return "Hi,";
  if (firsts.length > MAX_GREETED) return "Hi all,";
  return `Hi ${joinList(firsts)},`;
}

function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function uniqueFirstNames(names: readonly PersonName[]): string[] {
  const seen = new Set<string>();
  const firsts: string[] = [];
  for (const name of names) {
    const first = firstName(name);
    if (first === undefined || seen.has(first.toLowerCase())) continue;
    seen.add(first.toLowerCase());
    firsts.push(first);
  }
  return firsts;
}
