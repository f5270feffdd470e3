import type { Database } from "./db/client.js";
import { rememberDatabaseZones } from "./time-zone.js";

/**
 * Reads the zone names PostgreSQL knows into the check every zone passes (time-zone.ts):
 * settings, the sandbox sign-in, the browser's cookie and a calendar's zone. Called once at
 * start-up by the service and by `npm run job`; the view reads tzdata files, so not per request.
 */
export async function loadDatabaseZones(db: Database): Promise<number> {
  const rows = await db.$queryRaw<Array<{ name: string }>>`select name from pg_timezone_names`;
  rememberDatabaseZones(rows.map((row) => row.name));
  return rows.length;
}
