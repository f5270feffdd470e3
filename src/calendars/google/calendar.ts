import { calendar as calendarApi, type calendar_v3 } from "@googleapis/calendar";
import { gmail as gmailApi } from "@googleapis/gmail";
import { OAuth2Client } from "google-auth-library";
import type { Clock } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import type { ConnectionIdentity } from "../provider-factory.js";
import { ProviderError } from "../provider-error.js";
import type { AccessTokenSource, CalendarProvider, EventChange, SyncPage, SyncRequest, TimeRange } from "../provider.js";
import { SENT_MAIL_KEY_HEADER } from "../sent-mail-scopes.js";
import { SendWindowClosed, timeLeftToSend } from "../send-window.js";
import { collectRound, readPageWaitingOutShortThrottles } from "../sync-pages.js";
import { fetchMeetAttendance } from "./attendance.js";
import { classifyGoogleError } from "./errors.js";
import { ianaZoneOrNull } from "./time-zone.js";
import { BUFFER_MARKER_PROPERTY, mapGoogleEvent } from "./event-mapping.js";
import type { GoogleEndpoints } from "./oauth.js";

/**
 * The expiry google-auth-library compares with its own Date.now(): far enough ahead that it
 * never tries a refresh of its own (the token source owns refreshing; we retry once on 401).
 */
export function libraryExpiry(): number {
  return Date.now() + 50 * 60_000;
}

/**
 * events.list page size (Google allows up to 2,500). Each page is stored while the next is read,
 * so a page is the most a round holds in memory: 1,000 keeps that small and the pipeline full.
 */
const PAGE_SIZE = 1000;

/** How many of the newest Sent messages are looked through for one we may have sent minutes ago. */
const SENT_SCAN_LIMIT = 50;

export interface GoogleCalendarDependencies {
  endpoints: GoogleEndpoints;
  tokens: AccessTokenSource;
  account: ConnectionIdentity;
  clock: Clock;
  log: Logger;
}

/**
 * Google Calendar v3 (+ Meet v2 for attendance, Gmail v1 for sending) for one connected
 * account. Every call gets a fresh access token from the token source; a 401 drops the
 * cached token and retries once.
 */
export function createGoogleCalendar(deps: GoogleCalendarDependencies): CalendarProvider {
  const auth = new OAuth2Client();
  const calendar = calendarApi({ version: "v3", rootUrl: deps.endpoints.apiRootUrl, auth });
  const gmail = gmailApi({ version: "v1", rootUrl: deps.endpoints.apiRootUrl, auth });

  async function call<T>(context: string, run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      auth.setCredentials({ access_token: await deps.tokens.accessToken(), expiry_date: libraryExpiry() });
      try {
        return await run();
      } catch (error) {
        if (error instanceof SendWindowClosed) throw error;
        const classified = classifyGoogleError(error, deps.clock.now(), context);
        if (classified.details["status"] === 401 && attempt === 1) {
          deps.tokens.invalidate();
          continue;
        }
        throw classified;
      }
    }
  }

  /** events.list pages to the end: the last one carries nextSyncToken, the next round's cursor. */
  async function* listPages(params: calendar_v3.Params$Resource$Events$List, context: string, full: boolean): AsyncGenerator<SyncPage> {
    let pageToken: string | undefined;
    for (;;) {
      const page = await readPageWaitingOutShortThrottles(() => call(context, async () => (await calendar.events.list({ ...params, ...(pageToken ? { pageToken } : {}) }, { retry: false })).data));
      const zone = page.timeZone ?? "UTC";
      const changes: EventChange[] = [];
      for (const item of page.items ?? []) {
        const change = mapGoogleEvent(item, zone);
        if (change) changes.push(change);
      }
      if (page.nextPageToken) {
        pageToken = page.nextPageToken;
        yield { changes, nextCursor: null, full };
        continue;
      }
      if (!page.nextSyncToken) throw new ProviderError("google", "invalid", `${context}: the last page carried no nextSyncToken`);
      yield { changes, nextCursor: page.nextSyncToken, full };
      return;
    }
  }

  function syncPages({ providerCalendarId, cursor, window }: SyncRequest): AsyncGenerator<SyncPage> {
    return cursor
      ? listPages({ calendarId: providerCalendarId, syncToken: cursor, singleEvents: true, maxResults: PAGE_SIZE, showDeleted: true }, "Google incremental sync", false)
      : listPages({ calendarId: providerCalendarId, singleEvents: true, maxResults: PAGE_SIZE, timeMin: window.start.toISOString(), timeMax: window.end.toISOString() }, "Google full sync", true);
  }

  return {
    kind: "google",

    async listCalendars() {
      const list = await call("Google calendar list", async () => (await calendar.calendarList.list({ maxResults: 250 }, { retry: false })).data);
      return (list.items ?? []).flatMap((entry) =>
        entry.id ? [{ providerCalendarId: entry.id, name: entry.summaryOverride ?? entry.summary ?? entry.id, isPrimary: entry.primary === true, timeZone: entry.timeZone ?? null }] : [],
      );
    },

    syncEvents: (request) => collectRound("google", syncPages(request)),
    syncPages,

    async watch(request) {
      const channel = await call("Google events.watch", async () =>
        (
          await calendar.events.watch(
            {
              calendarId: request.providerCalendarId,
              requestBody: { id: request.channelId, type: "web_hook", address: request.address, token: request.secret, expiration: String(request.expiresAt.getTime()) },
            },
            { retry: false },
          )
        ).data,
      );
      return {
        externalId: channel.id ?? request.channelId,
        resourceId: channel.resourceId ?? null,
        expiresAt: channel.expiration ? new Date(Number(channel.expiration)) : request.expiresAt,
      };
    },

    async renewWatch(channel, request) {
      // Google channels cannot be extended: open a new one, then stop the old.
      const renewed = await this.watch(request);
      await this.stopWatch(channel).catch((error: unknown) => deps.log.warn({ channelId: channel.externalId, err: error }, "could not stop a replaced Google channel"));
      return renewed;
    },

    async stopWatch(channel) {
      try {
        await call("Google channels.stop", async () => calendar.channels.stop({ requestBody: { id: channel.externalId, resourceId: channel.resourceId ?? "" } }, { retry: false }));
      } catch (error) {
        if (error instanceof ProviderError && error.kind === "not_found") return;
        throw error;
      }
    },

    attendance: (query) => fetchMeetAttendance({ ...deps, call }, query),

    async busyTimes(range: TimeRange) {
      const result = await call("Google freeBusy", async () =>
        (await calendar.freebusy.query({ requestBody: { timeMin: range.start.toISOString(), timeMax: range.end.toISOString(), items: [{ id: "primary" }] } }, { retry: false })).data,
      );
      const busy = Object.values(result.calendars ?? {}).flatMap((entry) => entry.busy ?? []);
      return busy.flatMap((slot) => (slot.start && slot.end ? [{ start: new Date(slot.start), end: new Date(slot.end) }] : []));
    },

    async createEvent(providerCalendarId, event) {
      const created = await call("Google events.insert", async () =>
        (
          await calendar.events.insert(
            {
              calendarId: providerCalendarId,
              requestBody: {
                summary: event.title,
                description: event.description,
                start: { dateTime: event.start.toISOString(), timeZone: event.timeZone },
                end: { dateTime: event.end.toISOString(), timeZone: event.timeZone },
                transparency: "opaque",
                reminders: { useDefault: false },
                extendedProperties: { private: { [BUFFER_MARKER_PROPERTY]: event.marker } },
              },
            },
            { retry: false },
          )
        ).data,
      );
      if (!created.id) throw new ProviderError("google", "invalid", "Google events.insert returned no id");
      return { providerEventId: created.id };
    },

    async moveEvent(providerCalendarId, providerEventId, range) {
      await call("Google events.patch", async () =>
        calendar.events.patch(
          { calendarId: providerCalendarId, eventId: providerEventId, requestBody: { start: { dateTime: range.start.toISOString() }, end: { dateTime: range.end.toISOString() } } },
          { retry: false },
        ),
      );
    },

    async deleteEvent(providerCalendarId, providerEventId) {
      try {
        await call("Google events.delete", async () => calendar.events.delete({ calendarId: providerCalendarId, eventId: providerEventId }, { retry: false }));
      } catch (error) {
        // Already deleted (404) or gone (410) is what we wanted.
        if (error instanceof ProviderError && (error.kind === "not_found" || error.kind === "cursor_expired")) return;
        throw error;
      }
    },

    async sendMail(mime, { deadline }) {
      // The JSON form with `raw`: the media-upload form ignores the API's rootUrl.
      const sent = await call("Gmail messages.send", async () => {
        const timeout = timeLeftToSend(deadline, deps.clock.now());
        return (await gmail.users.messages.send({ userId: "me", requestBody: { raw: mime.toString("base64url") } }, { retry: false, timeout })).data;
      });
      return { providerMessageId: sent.id ?? null };
    },

    /**
     * Gmail's Sent label, newest first, read header by header (messages.get format=metadata with
     * only Message-ID): the one search gmail.metadata allows, since that scope refuses `q` (403
     * "Metadata scope does not support 'q' parameter", even beside a broader scope), so
     * `rfc822msgid:` is out of reach. The scan stops at the first message older than the attempt.
     */
    async findSentMail({ messageId, sentAfter }) {
      const listed = await call("Gmail messages.list SENT", async () => (await gmail.users.messages.list({ userId: "me", labelIds: ["SENT"], maxResults: SENT_SCAN_LIMIT }, { retry: false })).data);
      for (const { id } of listed.messages ?? []) {
        if (!id) continue;
        const message = await call("Gmail messages.get metadata", async () => (await gmail.users.messages.get({ userId: "me", id, format: "metadata", metadataHeaders: ["Message-ID", SENT_MAIL_KEY_HEADER] }, { retry: false })).data);
        // Our own copy of the Message-ID counts too, in case Gmail put its own in Message-ID.
        const ours = message.payload?.headers?.some((h) => (h.name?.toLowerCase() === "message-id" || h.name?.toLowerCase() === SENT_MAIL_KEY_HEADER.toLowerCase()) && h.value === messageId);
        if (ours) return { found: true, providerMessageId: id };
        if (message.internalDate && Number(message.internalDate) < sentAfter.getTime()) break;
      }
      return { found: false };
    },

    // Google has no presence status (Meet shows no "in a call" state through any API).
    presence: async () => ({ available: false, reason: "Google accounts have no presence status" }),

    /** The user's Calendar setting "timezone" (settings.get; calendar.readonly covers it), an IANA name. */
    async timeZone() {
      const setting = await call("Google settings.get timezone", async () => (await calendar.settings.get({ setting: "timezone" }, { retry: false })).data);
      return ianaZoneOrNull(setting.value);
    },
  };
}
