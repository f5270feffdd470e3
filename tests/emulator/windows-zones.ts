/**
 * Windows time zone names as Outlook/Graph writes them, mapped to IANA (CLDR windowsZones "001" entries).
 * Only the zones tests are likely to use; unknown names pass through unchanged.
 */
const WINDOWS_TO_IANA: Record<string, string> = {
  UTC: "UTC",
  "Coordinated Universal Time": "UTC",
  "GMT Standard Time": "Europe/London",
  "Greenwich Standard Time": "Atlantic/Reykjavik",
  "W. Europe Standard Time": "Europe/Berlin",
  "Romance Standard Time": "Europe/Paris",
  "Central Europe Standard Time": "Europe/Budapest",
  "Central European Standard Time": "Europe/Warsaw",
  "E. Europe Standard Time": "Europe/Chisinau",
  "FLE Standard Time": "Europe/Kiev",
  "GTB Standard Time": "Europe/Bucharest",
  "Russian Standard Time": "Europe/Moscow",
  "Eastern Standard Time": "America/New_York",
  "Central Standard Time": "America/Chicago",
  "Mountain Standard Time": "America/Denver",
  "US Mountain Standard Time": "America/Phoenix",
  "Pacific Standard Time": "America/Los_Angeles",
  "Alaskan Standard Time": "America/Anchorage",
  "Hawaiian Standard Time": "Pacific/Honolulu",
  "Atlantic Standard Time": "America/Halifax",
  "E. South America Standard Time": "America/Sao_Paulo",
  "India Standard Time": "Asia/Calcutta",
  "China Standard Time": "Asia/Shanghai",
  "Tokyo Standard Time": "Asia/Tokyo",
  "Singapore Standard Time": "Asia/Singapore",
  "AUS Eastern Standard Time": "Australia/Sydney",
  "New Zealand Standard Time": "Pacific/Auckland",
  "South Africa Standard Time": "Africa/Johannesburg",
  "Arabian Standard Time": "Asia/Dubai",
  "Israel Standard Time": "Asia/Jerusalem",
};

export function toIanaZone(zone: string): string {
  return WINDOWS_TO_IANA[zone] ?? zone;
}

export function isWindowsZone(zone: string): boolean {
  return zone in WINDOWS_TO_IANA && zone !== "UTC";
}

/** Picks the Windows name Outlook would show for an IANA zone (first match), else the zone itself. */
export function toWindowsZone(zone: string): string {
  if (zone in WINDOWS_TO_IANA) return zone;
  for (const [windows, iana] of Object.entries(WINDOWS_TO_IANA)) if (iana === zone) return windows;
  return zone;
}
