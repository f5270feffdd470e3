import { IANAZone } from "luxon";

/**
 * Google writes IANA names, but the setting is free text to us: a name this runtime does not
 * know (or an empty one) is no zone at all, never a guess.
 */
export function ianaZoneOrNull(name: string | null | undefined): string | null {
  if (!name) return null;
  if (name === "Etc/UTC" || name === "Etc/GMT") return "UTC";
  return IANAZone.isValidZone(name) ? name : null;
}
