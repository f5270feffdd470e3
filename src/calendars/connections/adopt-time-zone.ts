import type { ProviderFactory } from "../provider-factory.js";
import type { AccessTokenSource, ProviderKind } from "../provider.js";
import type { Database } from "../../platform/index.js";
import { markUserMeetingsDue } from "../sync/detection-wake-up.js";
import type { Clock } from "../../platform/index.js";
import { errorMessage } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { isZoneName } from "../../platform/index.js";

/** The zone a settings row starts with (schema default): what "nobody chose a zone yet" looks like. */
const DEFAULT_ZONE = "UTC";
/** The callback page waits for this read: a slow provider must not hold the user's sign-in for long. */
const READ_TIMEOUT_MS = 5_000;

export interface ZoneAdoptionDependencies {
  db: Database;
  clock: Clock;
  log: Logger;
  calendars: Pick<ProviderFactory, "calendar">;
}

export interface NewConnection {
  userId: string;
  connectionId: string;
  provider: ProviderKind;
  accountId: string;
  accountEmail: string;
  /** the access token the code exchange just issued */
  accessToken: string;
  /** the zone the signing-in browser reported, used when the calendar gives none */
  browserZone?: string | undefined;
}

/** The token the code exchange just issued: fresh, so there is nothing to refresh and nothing to invalidate. */
class JustIssuedToken implements AccessTokenSource {
  constructor(private readonly token: string) {}
  async accessToken(): Promise<string> {
    return this.token;
  }
  invalidate(): void {}
}

/**
 * Gives a user the time zone of the calendar they connected, once: on the connection that
 * created them (their settings row was made a moment ago with the default), never over a zone
 * they chose. The write is a compare-and-set on the default, so a zone saved meanwhile stays.
 * Reading the zone is best effort: when the calendar gives none (or UTC, or fails) the zone the
 * browser reported at sign-in is taken instead; without either the user keeps UTC, which they
 * can change in settings; the connection itself is already stored. Never throws.
 */
export async function adoptCalendarTimeZone(deps: ZoneAdoptionDependencies, connection: NewConnection): Promise<string | null> {
  const log = deps.log.child({ connectionId: connection.connectionId, provider: connection.provider });
  const fromBrowser = connection.browserZone && connection.browserZone !== DEFAULT_ZONE && isZoneName(connection.browserZone) ? connection.browserZone : null;
  let zone: string | null;
  try {
    const calendar = deps.calendars.calendar(
      { id: connection.connectionId, provider: connection.provider, accountId: connection.accountId, accountEmail: connection.accountEmail },
      new JustIssuedToken(connection.accessToken),
    );
    zone = await withTimeout(calendar.timeZone(), READ_TIMEOUT_MS);
  } catch (error) {
    log.warn({ reason: errorMessage(error), browserZone: fromBrowser }, "could not read the calendar's time zone; the browser's is used when it gave one");
    zone = null;
  }
  // A zone PostgreSQL would misread (or refuse) is no zone at all: the settings rule holds here too.
  if (zone && !isZoneName(zone)) {
    log.warn({ calendarZone: zone.slice(0, 64) }, "the calendar's time zone is not a zone name; ignored");
    zone = null;
  }
  // The calendar's own zone wins; the browser's stands in when the calendar says nothing.
  if (!zone || zone === DEFAULT_ZONE) zone = fromBrowser;
  if (!zone) return null;
  try {
    const adopted = await deps.db.$transaction(async (tx) => {
      const { count } = await tx.settings.updateMany({ where: { userId: connection.userId, timeZone: DEFAULT_ZONE }, data: { timeZone: zone } });
      if (count === 0) return false;
      // As for a zone changed in settings: detection decides the user's meetings again.
      await markUserMeetingsDue(tx, connection.userId, deps.clock.now());
      return true;
    });
    if (adopted) log.info({ timeZone: zone, from: zone === fromBrowser ? "browser" : "calendar" }, "time zone adopted at first sign-in");
    return adopted ? zone : null;
  } catch (error) {
    // The connection is stored and the user signed in; a zone they can set by hand is not worth failing that.
    log.warn({ reason: errorMessage(error) }, "could not store the calendar's time zone; the user keeps UTC");
    return null;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
