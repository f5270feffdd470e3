import type { Clock } from "../../platform/clock.js";
import type { Logger } from "../../platform/logger.js";
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
 * Headers for reading events: UTC times (we keep the event's own zone from originalStartTimeZone),
 * plain-text bodies, and pages of 100 (delta's documented `odata.maxpagesize`; RFC 7240 allows
 * several preferences in one Prefer header).
 */
export const READ_EVENT_HEADERS = { Prefer: 'outlook.timezone="UTC", outlook.body-content-type="text", odata.maxpagesize=100' };
