import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";
import { sandboxEventRow, writeSandboxCalendar } from "./store.js";
import { Prisma, retryOnConflict, type Database } from "../../platform/index.js";
import type { Clock } from "../../platform/index.js";
import { AppError, errorMessage } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { announceAlertsReset } from "../../alerts/index.js";
import { enqueueTasks, type NewTask } from "../../tasks/index.js";
import { syncConnection, type SyncDependencies } from "../sync/sync-connection.js";
import { requestSync } from "../sync/sync-task.js";
import { markUserMeetingsDue } from "../sync/detection-wake-up.js";
import { isZoneName } from "../../platform/index.js";
import { sampleHistory, type HistoryMeeting } from "./history.js";
import { SANDBOX_ACCOUNT, sampleEvents } from "./samples.js";
import { ensureSandboxZoom, recordSandboxZoomJoins } from "./sandbox-zoom.js";
import { DEFAULT_WORKING_HOURS, type WorkingHours } from "./working-hours.js";

const MINUTE_MS = 60_000;
/**
 * Where "held" puts the rescheduled meeting: ended this long ago. The thank-you step first
 * looks five minutes after a meeting's end (conference records lag; src/recovery/steps/thank-you.ts),
 * and that rule stays: the simulated meeting simply ended a little more than five minutes ago,
 * so the step is due as soon as the calendar change reaches it, not minutes later.
 */
const HELD_ENDED_AGO_MS = 5 * MINUTE_MS + 30_000;

export interface SandboxDependencies {
  db: Database;
  clock: Clock;
  log: Logger;
  sync: SyncDependencies;
  /** to decide the fresh samples at once (the nudge is due within minutes, yesterday's digest already) */
  detection: SandboxDetection;
}

/**
 * What the sandbox world asks of detection. Detection sits above calendars (it reads what sync
 * stores), so app/ passes these in instead of this module importing detection.
 */
export interface SandboxDetection {
  /** reads a meeting's attendance evidence now */
  fetchEvidence(meetingId: string): Promise<unknown>;
  /** one detection pass over a user's meetings */
  detectUser(userId: string, now: Date): Promise<unknown>;
  /** the digest task for a user's `day` (YYYY-MM-DD), due at `dueAt` */
  digestTask(userId: string, day: string, dueAt: Date): NewTask;
}

export interface SandboxSignIn {
  userId: string;
  connectionId: string;
  /** sample events written now (0 when the samples were there already) */
  seeded: number;
}

export interface HeldMeeting {
  title: string;
  start: string;
  end: string;
}

/**
 * The sandbox user and its sample calendar: sign-in without OAuth, (re)seeding relative to
 * now, and the simulated "meeting held" of the world outside. The calendar itself is the
 * sandbox provider (src/calendars/sandbox); everything else is the ordinary workflow.
 */
export class SandboxService {
  constructor(private readonly deps: SandboxDependencies) {}

  /** Creates or reuses the sandbox user, seeds its samples once and syncs them, so meetings show at once. */
  async signIn(options: { timeZone?: string | undefined } = {}): Promise<SandboxSignIn> {
    const { userId, connectionId } = await this.ensureUser(options.timeZone);
    if (options.timeZone) await this.adoptBrowserZone(userId, options.timeZone);
    await ensureSandboxZoom(this.deps.db, userId, this.deps.clock.now());
    const seeded = await this.seed(connectionId, { onlyWhenEmpty: true });
    await this.firstSync(connectionId);
    if (seeded > 0) await this.catchUp(userId);
    return { userId, connectionId, seeded };
  }

  /** Whether this user is the sandbox user (has a sandbox connection). */
  async connectionOf(userId: string): Promise<{ id: string } | null> {
    return this.deps.db.connection.findFirst({ where: { userId, provider: "sandbox", status: "active" }, select: { id: true } });
  }

  /**
   * Starts the loop over: the sandbox user's meetings, cases, drafts, alerts and outbox go,
   * and a fresh sample calendar relative to now takes their place. Settings stay.
   */
  async reset(userId: string): Promise<{ seeded: number }> {
    const { db } = this.deps;
    const connection = await this.connectionOf(userId);
    if (!connection) throw new AppError("Only the sandbox user can reset the sandbox", { code: "not_sandbox_user", httpStatus: 403 });
    // Tasks of the old sample world may be running (a digest, a detection pass): a deadlock
    // with one of them is retried rather than answered as a 500.
    const fresh = await retryOnConflict(() => db.$transaction(async (tx) => {
      await tx.recoveryCase.deleteMany({ where: { userId } });
      await tx.draft.deleteMany({ where: { userId } });
      await tx.alert.deleteMany({ where: { userId } });
      await tx.outboxMessage.deleteMany({ where: { userId } });
      await tx.task.deleteMany({ where: { userId, status: { in: ["queued", "done", "failed", "cancelled"] } } });
      // The connection goes with its calendar rows, meetings and sandbox events (cascade).
      await tx.connection.delete({ where: { id: connection.id } });
      // Open pages still show the old alerts and meetings: on commit they are told to load again.
      await announceAlertsReset(tx, userId);
      return tx.connection.create({ data: sandboxConnection(userId, this.deps.clock.now()), select: { id: true } });
    }));
    await ensureSandboxZoom(db, userId, this.deps.clock.now());
    const seeded = await this.seed(fresh.id, { onlyWhenEmpty: false });
    await this.firstSync(fresh.id);
    await this.catchUp(userId);
    // And once more with the fresh samples in place, so a page that reloaded in between shows them.
    await db.$transaction((tx) => announceAlertsReset(tx, userId));
    this.deps.log.info({ userId, connectionId: fresh.id, seeded }, "sandbox reset");
    return { seeded };
  }

  /**
   * SIMULATION: the rescheduled meeting (the one the sample client accepted) takes place.
   * It moves into the recent past with the user in its conference, and the calendar syncs:
   * detection reads the attendance and marks it attended, and the thank-you step follows.
   */
  async simulateRescheduledMeetingHeld(userId: string): Promise<HeldMeeting> {
    const { db, clock } = this.deps;
    const connection = await this.connectionOf(userId);
    if (!connection) throw new AppError("Only the sandbox user can simulate the sandbox's world", { code: "not_sandbox_user", httpStatus: 403 });
    const now = clock.now();
    const held = await writeSandboxCalendar(db, connection.id, async (tx, version) => {
      const event = await tx.sandboxEvent.findFirst({ where: { connectionId: connection.id, deletedAt: null, sampleKey: { startsWith: "reschedule:" } }, orderBy: { version: "desc" } });
      if (!event) return null;
      const end = new Date(now.getTime() - HELD_ENDED_AGO_MS);
      const start = new Date(end.getTime() - (event.end.getTime() - event.start.getTime()));
      await tx.sandboxEvent.update({
        where: { id: event.id },
        data: { start, end, selfJoinedAt: new Date(start.getTime() - MINUTE_MS), othersJoinedAt: start, version, updatedAt: now },
      });
      return { eventId: event.id, title: event.title, start: start.toISOString(), end: end.toISOString() };
    });
    if (!held) {
      throw new AppError("The sample client has not yet accepted a slot, so there is no rescheduled meeting to hold: confirm the missed meeting and approve the reschedule proposal; the client accepts its first slot about 20 seconds after it is sent", {
        code: "no_rescheduled_meeting",
        httpStatus: 409,
      });
    }
    await this.readAttendance(connection.id, held.eventId);
    // As a push notification would: the calendar syncs, detection re-decides the user's meetings
    // (attended, from the attendance just read) and the recovery workflow follows the move.
    await db.$transaction((tx) => requestSync(tx, connection.id, `sandbox-held:${held.eventId}:${now.toISOString()}`, now));
    return { title: held.title, start: held.start, end: held.end };
  }

  /**
   * Reads the simulated conference's attendance now, before the sync that follows: otherwise
   * only the detect job (every minute) would read it, and the thank-you step could look before
   * detection knew the meeting was attended (and then wait ten minutes to look again).
   */
  private async readAttendance(connectionId: string, eventId: string): Promise<void> {
    const meeting = await this.deps.db.meeting.findFirst({ where: { connectionId, providerEventId: eventId, deletedAt: null }, select: { id: true } });
    if (!meeting) return;
    try {
      await this.deps.detection.fetchEvidence(meeting.id);
    } catch (error) {
      // Not fatal: the detect job reads it again within a minute.
      this.deps.log.warn({ meetingId: meeting.id, reason: errorMessage(error) }, "the held meeting's attendance could not be read at once");
    }
  }

  private async ensureUser(requestedZone: string | undefined): Promise<{ userId: string; connectionId: string }> {
    const { db } = this.deps;
    const find = () => db.connection.findUnique({ where: { provider_accountId: { provider: "sandbox", accountId: SANDBOX_ACCOUNT.accountId } }, select: { id: true, userId: true } });
    const existing = await find();
    if (existing) return { userId: existing.userId, connectionId: existing.id };
    const timeZone = requestedZone ?? serverZone();
    try {
      return await db.$transaction(async (tx) => {
        // Alerts go to the feed only: the sample address reads no mail, and the outbox preview then
        // shows just what was "sent" to the sample people (email alerts can be switched on in settings).
        const user = await tx.user.create({ data: { email: SANDBOX_ACCOUNT.email, name: SANDBOX_ACCOUNT.name, settings: { create: { timeZone, alertChannels: ["feed"] } } } });
        const connection = await tx.connection.create({ data: sandboxConnection(user.id, this.deps.clock.now()) });
        return { userId: user.id, connectionId: connection.id };
      });
    } catch (error) {
      // Two first sign-ins at once: the other one created it.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2002") throw error;
      const created = await find();
      if (!created) throw error;
      return { userId: created.userId, connectionId: created.id };
    }
  }

  private async seed(connectionId: string, options: { onlyWhenEmpty: boolean }): Promise<number> {
    const { db, clock } = this.deps;
    const connection = await db.connection.findUniqueOrThrow({ where: { id: connectionId }, include: { user: { include: { settings: true } } } });
    const timeZone = connection.user.settings?.timeZone ?? "UTC";
    const hours = workingHoursOf(connection.user.settings?.workingHours);
    return writeSandboxCalendar(db, connectionId, async (tx, version) => {
      // Under the calendar's lock: two sign-ins at once seed once.
      if (options.onlyWhenEmpty && (await tx.sandboxEvent.count({ where: { connectionId, sampleKey: { not: null }, deletedAt: null } })) > 0) return 0;
      const now = clock.now();
      const rows = sampleEvents(now, timeZone, hours).map((event) => sandboxEventRow(connectionId, version, event, now));
      await tx.sandboxEvent.createMany({ data: rows });
      return rows.length;
    });
  }

  /**
   * The sample calendar plays one connected days ago, so what that user would already have
   * had happens now: detection decides the fresh samples at once (the same pass the sync's
   * queued one runs; deciding twice is harmless), so the coffee's nudge is in the feed as the
   * dashboard opens; and yesterday's digest, due at the end of yesterday's working day, goes
   * out (detection itself queues a digest for the day it first saw them, which is today's, and
   * then finds them already asked about). The digest is the ordinary task, queued due now.
   */
  private async catchUp(userId: string): Promise<void> {
    const { db, clock, log } = this.deps;
    try {
      await this.writeHistory(userId);
      await recordSandboxZoomJoins(db, userId, clock.now());
      await this.deps.detection.detectUser(userId, clock.now());
      const settings = await db.settings.findUnique({ where: { userId }, select: { timeZone: true } });
      const now = clock.now();
      const yesterday = DateTime.fromJSDate(now, { zone: settings?.timeZone ?? "UTC" }).minus({ days: 1 }).toISODate();
      if (yesterday) await enqueueTasks(db, [this.deps.detection.digestTask(userId, yesterday, now)]);
    } catch (error) {
      // Not fatal for the sign-in: the queued detection pass decides them within seconds; only
      // yesterday's digest would then wait for the end of today's working day.
      log.warn({ userId, reason: errorMessage(error) }, "the sandbox could not decide its samples at once");
    }
  }

  /**
   * A user who never chose a zone (the settings still hold the default, UTC) takes the
   * browser's at sign-in: the sandbox user is one per server, so it may have been made by a
   * request without a zone (the API, a script). A compare-and-set, as for a calendar's zone:
   * a zone chosen in settings is never overwritten. The samples already placed stay where
   * they are (as a real calendar's would); "Start the sandbox over" places them in the new
   * zone's working hours.
   */
  private async adoptBrowserZone(userId: string, zone: string): Promise<void> {
    if (zone === DEFAULT_ZONE || !isZoneName(zone)) return;
    const now = this.deps.clock.now();
    await this.deps.db.$transaction(async (tx) => {
      const { count } = await tx.settings.updateMany({ where: { userId, timeZone: DEFAULT_ZONE }, data: { timeZone: zone } });
      // As for a zone changed in settings: detection decides the user's meetings again.
      if (count > 0) await markUserMeetingsDue(tx, userId, now);
    });
  }

  /**
   * Twelve weeks of past meetings (attended on time, late, or missed), so punctuality has a
   * trend to show. Written as meetings that were already settled before the sample connection
   * was made (three days ago): final states, nothing due, so no alert, digest or recovery case
   * is ever raised for them. Once per sample connection.
   */
  private async writeHistory(userId: string): Promise<number> {
    const { db, clock } = this.deps;
    const connection = await this.connectionOf(userId);
    if (!connection) return 0;
    const calendar = await db.calendar.findFirst({ where: { connectionId: connection.id }, orderBy: { isPrimary: "desc" }, select: { id: true } });
    if (!calendar) return 0;
    if ((await db.meeting.count({ where: { connectionId: connection.id, providerEventId: { startsWith: "history:" } } })) > 0) return 0;
    const settings = await db.settings.findUnique({ where: { userId }, select: { timeZone: true, workingHours: true } });
    const history = sampleHistory(clock.now(), settings?.timeZone ?? DEFAULT_ZONE, workingHoursOf(settings?.workingHours));
    const rows = history.map((meeting) => historyRows(meeting, { userId, connectionId: connection.id, calendarId: calendar.id, timeZone: settings?.timeZone ?? DEFAULT_ZONE }));
    await db.$transaction(async (tx) => {
      await tx.meeting.createMany({ data: rows.map((row) => row.meeting), skipDuplicates: true });
      await tx.attendee.createMany({ data: rows.flatMap((row) => row.attendees), skipDuplicates: true });
      await tx.evidence.createMany({ data: rows.flatMap((row) => row.evidence), skipDuplicates: true });
      await tx.stateTransition.createMany({ data: rows.flatMap((row) => row.transitions), skipDuplicates: true });
    });
    return rows.length;
  }

  private async firstSync(connectionId: string): Promise<void> {
    const outcome = await syncConnection(connectionId, this.deps.sync);
    if (outcome.status !== "synced") {
      // Not fatal for the sign-in: the queued sync catches up.
      this.deps.log.warn({ connectionId, outcome: outcome.status }, "the sandbox's first sync did not run inline; queued instead");
      const now = this.deps.clock.now();
      await this.deps.db.$transaction((tx) => requestSync(tx, connectionId, `sandbox-first:${now.toISOString()}`, now));
    }
  }
}


/**
 * The sample calendar plays one the user connected days ago: its sample meetings from earlier
 * today are asked about, as they would be for someone who had been using the service, rather
 * than placed quietly like the meetings before a real first connect.
 */
const SANDBOX_CONNECTED_AGO_MS = 3 * 24 * 60 * 60_000;

function sandboxConnection(userId: string, now: Date) {
  return { userId, provider: "sandbox" as const, accountId: SANDBOX_ACCOUNT.accountId, accountEmail: SANDBOX_ACCOUNT.email, scopes: [], createdAt: new Date(now.getTime() - SANDBOX_CONNECTED_AGO_MS) };
}

/** What a settings row holds before anyone chose a zone (the schema default). */
const DEFAULT_ZONE = "UTC";

/** The settings' working hours (JSON), or the default when they do not parse. */
function workingHoursOf(value: unknown): WorkingHours {
  const hours = value as Partial<WorkingHours> | null | undefined;
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
  if (!hours || !Array.isArray(hours.days) || hours.days.length === 0 || typeof hours.start !== "string" || typeof hours.end !== "string") return DEFAULT_WORKING_HOURS;
  if (!hhmm.test(hours.start) || !hhmm.test(hours.end) || hours.start >= hours.end) return DEFAULT_WORKING_HOURS;
  return { days: hours.days.filter((day): day is number => Number.isInteger(day)), start: hours.start, end: hours.end };
}

/** One sample history meeting as rows: the meeting, who was in it, how it went, and the path its state took. */
function historyRows(item: HistoryMeeting, owner: { userId: string; connectionId: string; calendarId: string; timeZone: string }) {
  const id = randomUUID();
  const joinedAt = item.joinedAfterMinutes === null ? null : new Date(item.start.getTime() + item.joinedAfterMinutes * MINUTE_MS);
  const finalState = item.outcome === "missed" ? ("missed" as const) : ("attended" as const);
  const path: Array<["upcoming" | "in_progress" | "late" | "suspected_missed", "in_progress" | "late" | "suspected_missed" | "attended" | "missed"]> =
    item.outcome === "on_time"
      ? [["upcoming", "in_progress"], ["in_progress", "attended"]]
      : item.outcome === "late"
        ? [["upcoming", "in_progress"], ["in_progress", "late"], ["late", "attended"]]
        : [["upcoming", "in_progress"], ["in_progress", "late"], ["late", "suspected_missed"], ["suspected_missed", "missed"]];
  const pathAt = (index: number) => new Date(item.start.getTime() + (index === path.length - 1 ? item.end.getTime() - item.start.getTime() + 10 * MINUTE_MS : index * 5 * MINUTE_MS));
  return {
    meeting: {
      id,
      userId: owner.userId,
      connectionId: owner.connectionId,
      calendarId: owner.calendarId,
      providerEventId: item.key,
      title: item.title,
      start: item.start,
      end: item.end,
      timeZone: owner.timeZone,
      organizerEmail: item.with.email,
      organizerName: item.with.name,
      selfResponse: "accepted" as const,
      watched: true,
      state: finalState,
      stateChangedAt: pathAt(path.length - 1),
      evidenceSource: "conference" as const,
      evidenceSourceReason: "Sample history: a past meeting of the sandbox calendar.",
      nextCheckAt: null,
      firstSeenAt: item.start,
    },
    attendees: [
      { meetingId: id, email: SANDBOX_ACCOUNT.email, name: SANDBOX_ACCOUNT.name, response: "accepted" as const, isSelf: true },
      { meetingId: id, email: item.with.email, name: item.with.name, response: "accepted" as const, isOrganizer: true },
    ],
    evidence: [
      joinedAt
        ? { meetingId: id, kind: "conference_joined" as const, sourceKey: "sandbox-history", observedAt: joinedAt }
        : { meetingId: id, kind: "others_joined" as const, sourceKey: "sandbox-history", observedAt: item.start },
    ],
    transitions: path.map(([fromState, toState], index) => ({ meetingId: id, fromState, toState, reason: "sample history", at: pathAt(index) })),
  };
}

/** The zone of the machine `npm start` runs on: the person trying the sandbox is usually there. */
function serverZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isZoneName(zone) ? zone : "UTC";
}
