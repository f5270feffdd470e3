import type { Clock } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import type { ConnectionIdentity } from "../provider-factory.js";
import type { GraphApi } from "./graph-client.js";

/** What every Microsoft adapter file needs, built once per connection in calendar.ts. */
export interface MicrosoftContext {
  graph: GraphApi;
  account: ConnectionIdentity;
  clock: Clock;
  log: Logger;
}

/** Graph path segments are ids Outlook generates (base64-like, may hold `/`, `+`, `=`): always encode them. */
export const segment = (id: string): string => encodeURIComponent(id);

/**
 * Headers for delta rounds: UTC times (we keep the event's own zone from originalStartTimeZone),
 * plain-text bodies, and large pages. "event: delta" honours `Prefer: odata.maxpagesize` (the
 * delta-query-events guide pages with it; RFC 7240 allows several preferences in one header);
 * Graph documents no maximum and may answer with fewer (or, around expanding series, more) items
 * than asked, which the round handles. Every page is a round trip: a 5,000-event calendar is 5
 * pages rather than 50.
 */
export const DELTA_PAGE_SIZE = 1000;
export const DELTA_HEADERS = { Prefer: `outlook.timezone="UTC", outlook.body-content-type="text", odata.maxpagesize=${DELTA_PAGE_SIZE}` };
