import { IANAZone } from "luxon";

/**
 * A tz database name: "UTC", "Etc/…", or Area/Location (one or two more levels, as in
 * America/Argentina/Buenos_Aires). Only names of this shape are read the same way by luxon
 * (Intl) and by PostgreSQL. Anything else is unsafe in one of them: luxon takes "system" and
 * "local" (PostgreSQL rejects them: every query in that zone fails), and both take POSIX-style
 * strings such as "UTC+5" or "GMT-3" that PostgreSQL reads with the sign flipped (POSIX counts
 * west as positive), so times come out ten hours apart. Legacy names without an area (EST5EDT,
 * CET, MST7MDT) are refused too: the zone pickers never offer them, and each has a real
 * Area/Location name.
 */
const ZONE_NAME = /^(?:UTC|Etc\/[A-Za-z0-9+-]+|[A-Z][A-Za-z]+(?:\/[A-Z][A-Za-z0-9_+-]*){1,2})$/;

/**
 * The zone names the database knows (pg_timezone_names), read once at start-up. luxon reads
 * zones with Node's ICU data and PostgreSQL with its own tzdata, and the two disagree at the
 * edges: ICU still knows "US/Pacific-New", which tzdata dropped in 2020, so PostgreSQL
 * refuses every query in it. Until the set is read (tests of pure code) only luxon is asked.
 */
let databaseZones: ReadonlySet<string> | undefined;

export function rememberDatabaseZones(names: Iterable<string>): void {
  databaseZones = new Set(names);
}

/** Whether `zone` is a time zone name luxon and PostgreSQL both know and read alike. */
export function isZoneName(zone: string): boolean {
  return zone.length <= 64 && ZONE_NAME.test(zone) && IANAZone.isValidZone(zone) && (databaseZones?.has(zone) ?? true);
}

/** The one sentence a refused zone gets, wherever it came from. */
export function zoneNameProblem(zone: string): string {
  return `Time zone must be a zone name such as Europe/Berlin (got ${JSON.stringify(zone.slice(0, 64))})`;
}
