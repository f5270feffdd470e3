import type { Database } from "../../platform/index.js";
import { recordOutboxMessage } from "../../alerts/index.js";
import type { Clock } from "../../platform/index.js";
import type { ConnectionIdentity } from "../provider-factory.js";
import { ProviderError } from "../provider-error.js";
import type { Attendance, CalendarProvider, EventChange, SyncRound } from "../provider.js";
import { mapSandboxEvent, SANDBOX_CALENDAR_ID } from "./event-mapping.js";
import { summariseMime } from "./mime-summary.js";
import { sandboxEventRow, writeSandboxCalendar } from "./store.js";

const CURSOR_PREFIX = "sandbox-v";

export interface SandboxCalendarDependencies {
  db: Database;
  clock: Clock;
  account: ConnectionIdentity;
}

/**
 * The "Sandbox" provider: a labelled sample calendar that lives in our own database
 * (`sandbox_events`), so `npm start` shows the whole loop without any account. It behaves
 * like the real adapters where the workflow looks: versioned incremental sync, conference
 * attendance, free/busy, buffer events with a private marker, and a mailbox (the outbox
 * preview). What the "world outside" does (a client accepting a slot) is simulated in
 * src/calendars/sandbox, which writes to this calendar as the other people would.
 */
export function createSandboxCalendar(deps: SandboxCalendarDependencies): CalendarProvider {
  const { db, clock, account } = deps;
  const connectionId = account.id;

  async function owner() {
    const connection = await db.connection.findUnique({ where: { id: connectionId }, include: { user: { include: { settings: true } } } });
    if (!connection) throw new ProviderError("sandbox", "not_found", "This sandbox calendar no longer exists; sign in to the sandbox again");
    return { userId: connection.userId, email: connection.accountEmail, name: connection.user.name, timeZone: connection.user.settings?.timeZone ?? "UTC" };
  }

  function requireCalendar(providerCalendarId: string): void {
    if (providerCalendarId !== SANDBOX_CALENDAR_ID) throw new ProviderError("sandbox", "not_found", `The sandbox has one calendar, "${SANDBOX_CALENDAR_ID}", not "${providerCalendarId}"`);
  }

  return {
    kind: "sandbox",

    async listCalendars() {
      const me = await owner();
      return [{ providerCalendarId: SANDBOX_CALENDAR_ID, name: "Sandbox (sample calendar)", isPrimary: true, timeZone: me.timeZone }];
    },

    async syncEvents({ providerCalendarId, cursor, window }): Promise<SyncRound> {
      requireCalendar(providerCalendarId);
      const me = await owner();
      const since = cursor === null ? null : parseCursor(cursor);
      const [rows, latest] = await db.$transaction([
        since === null
          ? db.sandboxEvent.findMany({ where: { connectionId, deletedAt: null, start: { lt: window.end }, end: { gt: window.start } }, orderBy: { start: "asc" } })
          : db.sandboxEvent.findMany({ where: { connectionId, version: { gt: since } }, orderBy: { version: "asc" } }),
        db.sandboxEvent.aggregate({ where: { connectionId }, _max: { version: true } }),
      ]);
      const changes: EventChange[] = rows.map((row) => (row.deletedAt ? { kind: "removed", providerEventId: row.id } : { kind: "upsert", event: mapSandboxEvent(row, me) }));
      return { changes, nextCursor: `${CURSOR_PREFIX}${latest._max.version ?? 0}`, full: since === null };
    },

    async watch() {
      throw new ProviderError("sandbox", "invalid", "The sandbox calendar has no push notifications; it is polled");
    },
    async renewWatch() {
      throw new ProviderError("sandbox", "invalid", "The sandbox calendar has no push notifications; it is polled");
    },
    async stopWatch() {},

    async attendance(query): Promise<Attendance> {
      const row = await db.sandboxEvent.findFirst({ where: { id: query.providerEventId, connectionId } });
      if (!row || !row.conferenceCode) return { available: false, reason: "This sandbox event has no conference" };
      const now = clock.now();
      // The simulated conference reports only what has happened by now.
      const seen = (at: Date | null) => (at && at.getTime() <= now.getTime() ? at : null);
      const selfJoinedAt = seen(row.selfJoinedAt);
      const othersJoinedAt = seen(row.othersJoinedAt);
      if (!selfJoinedAt && !othersJoinedAt && now < row.start) return { available: false, reason: "No conference record yet" };
      const me = await owner();
      const others = mapSandboxEvent(row, me).attendees.filter((attendee) => !attendee.isSelf);
      // The simulation records joins but no leaves: whoever joined stays until the scheduled end.
      const running = now.getTime() < row.end.getTime();
      return {
        available: true,
        selfJoinedAt,
        othersJoinedAt,
        selfInCallNow: running && selfJoinedAt !== null,
        othersInCallNow: running && othersJoinedAt !== null && others.length > 0,
        participants: [
          ...(selfJoinedAt ? [{ accountId: account.accountId, email: me.email, displayName: me.name, joinedAt: selfJoinedAt, leftAt: null }] : []),
          ...(othersJoinedAt ? others.map((person) => ({ accountId: null, email: person.email, displayName: person.name, joinedAt: othersJoinedAt, leftAt: null })) : []),
        ],
      };
    },

    async busyTimes(range) {
      const rows = await db.sandboxEvent.findMany({
        where: { connectionId, deletedAt: null, isFree: false, selfResponse: { not: "declined" }, start: { lt: range.end }, end: { gt: range.start } },
        orderBy: { start: "asc" },
      });
      return rows.map((row) => ({ start: row.start, end: row.end }));
    },

    async createEvent(providerCalendarId, event) {
      requireCalendar(providerCalendarId);
      const now = clock.now();
      const created = await writeSandboxCalendar(db, connectionId, (tx, version) =>
        tx.sandboxEvent.create({
          data: sandboxEventRow(
            connectionId,
            version,
            { sampleKey: null, title: event.title, description: event.description, location: null, start: event.start, end: event.end, timeZone: event.timeZone, attendees: [], selfResponse: "accepted", isFree: false, marker: event.marker, conferenceCode: null, selfJoinedAt: null, othersJoinedAt: null },
            now,
          ),
          select: { id: true },
        }),
      );
      return { providerEventId: created.id };
    },

    async moveEvent(providerCalendarId, providerEventId, range) {
      requireCalendar(providerCalendarId);
      const now = clock.now();
      const { count } = await writeSandboxCalendar(db, connectionId, (tx, version) =>
        tx.sandboxEvent.updateMany({ where: { id: providerEventId, connectionId, deletedAt: null }, data: { start: range.start, end: range.end, version, updatedAt: now } }),
      );
      if (count === 0) throw new ProviderError("sandbox", "not_found", `No sandbox event ${providerEventId} to move`);
    },

    async deleteEvent(providerCalendarId, providerEventId) {
      requireCalendar(providerCalendarId);
      const now = clock.now();
      // Kept with a new version so the next incremental round reports it removed; already gone is done.
      await writeSandboxCalendar(db, connectionId, (tx, version) =>
        tx.sandboxEvent.updateMany({ where: { id: providerEventId, connectionId, deletedAt: null }, data: { deletedAt: now, version, updatedAt: now } }),
      );
    },

    // The sandbox mailbox is the outbox preview, whose row settles every send: nothing to look in.
    async findSentMail() {
      throw new ProviderError("sandbox", "forbidden", "the sandbox has no Sent folder to read");
    },

    async sendMail(mime) {
      // The sandbox mailbox is the outbox preview: the message is kept, never sent.
      const me = await owner();
      const message = summariseMime(mime);
      const messageId = message.messageId ?? `<sandbox-${clock.now().getTime()}@sandbox.example>`;
      await recordOutboxMessage(
        db,
        { userId: me.userId, idempotencyKey: `sandbox-mailbox:${messageId}`, messageId, from: me.email, to: message.to, subject: message.subject, text: message.text, html: "" },
        "outbox",
      );
      return { providerMessageId: messageId };
    },

    presence: async () => ({ available: false, reason: "The sandbox calendar has no presence status" }),

    // The sandbox user's zone comes from their browser when they sign in, not from a calendar.
    timeZone: async () => null,
  };
}

function parseCursor(cursor: string): number {
  const version = cursor.startsWith(CURSOR_PREFIX) ? Number(cursor.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!Number.isInteger(version) || version < 0) throw new ProviderError("sandbox", "cursor_expired", "This sandbox sync cursor is not one the sandbox made; listing the whole window again");
  return version;
}
