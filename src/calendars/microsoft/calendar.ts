import type { Clock } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import type { AccessTokenSource, CalendarProvider } from "../provider.js";
import type { ConnectionIdentity } from "../provider-factory.js";
import { attendance } from "./attendance.js";
import { busyTimes } from "./busy-times.js";
import { CalendarDirectory, listCalendars } from "./calendars.js";
import type { MicrosoftContext } from "./context.js";
import type { MicrosoftEndpoints } from "./endpoints.js";
import { createEvent, deleteEvent, moveEvent } from "./event-writes.js";
import { createGraphApi } from "./graph-client.js";
import { readMailboxTimeZone } from "./mailbox-time-zone.js";
import { findSentMail, sendMail } from "./mail.js";
import { readPresence } from "./presence.js";
import { createSubscription, deleteSubscription, renewSubscription } from "./subscriptions.js";
import { collectRound } from "../sync-pages.js";
import { syncPages } from "./sync.js";

export type { MicrosoftEndpoints } from "./endpoints.js";

/** The Outlook calendar of one connection, over Microsoft Graph v1.0. */
export function createMicrosoftCalendar(deps: { endpoints: MicrosoftEndpoints; tokens: AccessTokenSource; account: ConnectionIdentity; clock: Clock; log: Logger }): CalendarProvider {
  const ctx: MicrosoftContext = {
    graph: createGraphApi({ graphUrl: deps.endpoints.graphUrl, tokens: deps.tokens, clock: deps.clock }),
    account: deps.account,
    clock: deps.clock,
    log: deps.log.child({ provider: "microsoft", connectionId: deps.account.id }),
  };
  const calendars = new CalendarDirectory(ctx);
  return {
    kind: "microsoft",
    listCalendars: () => listCalendars(ctx),
    syncEvents: (request) => collectRound("microsoft", syncPages(ctx, calendars, request)),
    syncPages: (request) => syncPages(ctx, calendars, request),
    watch: (request) => createSubscription(ctx, calendars, request),
    renewWatch: (channel, request) => renewSubscription(ctx, calendars, channel, request),
    stopWatch: (channel) => deleteSubscription(ctx, channel),
    attendance: (query) => attendance(ctx, query),
    busyTimes: (range) => busyTimes(ctx, range),
    createEvent: (providerCalendarId, event) => createEvent(ctx, calendars, providerCalendarId, event),
    moveEvent: (_providerCalendarId, providerEventId, range) => moveEvent(ctx, providerEventId, range),
    deleteEvent: (_providerCalendarId, providerEventId) => deleteEvent(ctx, providerEventId),
    sendMail: (mime, window) => sendMail(ctx, mime, window.deadline),
    findSentMail: ({ messageId }) => findSentMail(ctx, messageId),
    presence: () => readPresence(ctx),
    timeZone: () => readMailboxTimeZone(ctx),
  };
}
