import { findIana } from "windows-iana";
import { IANAZone } from "luxon";

/**
 * Outlook writes an event's zone as a Windows name ("W. Europe Standard Time"), sometimes as an
 * IANA name, and for zones it cannot name as "tzone://Microsoft/Custom" / "Customized Time Zone".
 * The product stores IANA names, so Windows names go through CLDR's windowsZones table
 * (windows-iana, territory "001" first = the zone CLDR calls canonical for that Windows name).
 * Returns null when the name is neither, so the caller picks the next candidate instead of
 * silently inventing one.
 */
export function toIanaZone(name: string | null | undefined): string | null {
  if (!name) return null;
  // A calendar names a handful of zones thousands of times, and the table lookup is costly.
  const known = resolved.get(name);
  if (known !== undefined) return known;
  const fromWindows = findIana(name)[0];
  const zone = fromWindows ? (fromWindows === "Etc/UTC" ? "UTC" : fromWindows) : IANAZone.isValidZone(name) ? name : null;
  if (resolved.size < 2_000) resolved.set(name, zone);
  return zone;
}

const resolved = new Map<string, string | null>();
