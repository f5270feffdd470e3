import { Prisma, type Database } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import type { Metrics } from "../platform/index.js";
import { lateAlert, nudgeAlert, placesHeadsUp, suspectedMissedAlert } from "../alerts/index.js";
import type { CheckInLinks } from "./check-in-links.js";
import {
  decide,
  DEFAULT_DETECTION_SETTINGS,
  type CheckInPrompt,
  type DetectionAlertKind,
  type DetectionSettings,
  type EvidenceItem,
  type EvidenceKind,
  type MeetingState,
} from "./domain/index.js";
import { physicalLocation, type EvidenceSource } from "../calendars/index.js";
import { enqueueTasks } from "../tasks/index.js";
import { needsTransaction, persistDecisions, type DecidedMeeting, type NewDetectionAlert, type PersistHooks } from "./persist-decisions.js";
import { scheduleDetectionWakeUp } from "../calendars/index.js";
import { digestTask } from "./digest.js";
import { previousCallTask } from "./previous-call.js";

const HOUR_MS = 60 * 60 * 1000;

export interface DetectionDependencies {
  db: Database;
  log: Logger;
  publicUrl: string;
  checkIns: CheckInLinks;
  /** queue delivery of new alerts on the user's channels, in the same transaction */
  onAlertsRaised(tx: Prisma.TransactionClient, alerts: readonly NewDetectionAlert[], now: Date): Promise<void>;
  metrics?: Pick<Metrics, "transitions">;
}

export interface DetectionScope {
  meetingIds?: readonly string[];
  userId?: string;
  /** the caller has just read the conference's attendance: decide without waiting for it */
  evidenceJustRead?: boolean;
}

export interface DetectionPass {
  /** meetings read and decided */
  examined: number;
  transitions: number;
  alerts: number;
  /** batches read (each a constant number of statements) */
  batches: number;
}

/** Conference attendance read within this long counts as fresh. */
const EVIDENCE_FRESH_MS = 60_000;

/** The user's settings as a pass reads them (a left join: all null for a user without a settings row). */
interface SettingsColumns {
  lateGraceMinutes: number | null;
  settleMinutes: number | null;
  autoConfirmMinutes: number | null;
  checkInPrompt: CheckInPrompt | null;
  lateAlertsWithoutSignal: boolean | null;
  nudgeMinutes: number | null;
  workdayEnd: string | null;
  userTimeZone: string | null;
}

/** What a pass reads of a meeting: the lean row the decision and an alert's wording need. */
interface CandidateRow extends SettingsColumns {
  id: string;
  userId: string;
  title: string;
  location: string | null;
  start: Date;
  end: Date;
  timeZone: string;
  state: MeetingState | null;
  watched: boolean;
  isCancelled: boolean;
  selfDeclined: boolean;
  /** a Meet code or Teams join URL: a conference (or presence during it) to read before asking */
  hasConference: boolean;
  source: EvidenceSource;
  liveSignal: boolean;
  liveSignalRead: boolean;
  watchedSince: Date | null;
  evidenceCheckedAt: Date | null;
  nextCheckAt: Date | null;
  evidence: EvidenceItem[];
  /** what is needed to place the meeting itself (heads-up: two places back to back) */
  description: string | null;
  meetCode: string | null;
  teamsJoinUrl: string | null;
  conferenceUrl: string | null;
  /** the watched meeting ending last at or just before this one's start (only read while upcoming) */
  previous: PreviousRow | null;
}

/** The meeting right before a candidate, as much as a heads-up needs. */
interface PreviousRow {
  id: string;
  title: string;
  end: Date;
  location: string | null;
  description: string | null;
  meetCode: string | null;
  teamsJoinUrl: string | null;
  conferenceUrl: string | null;
  liveSignal: boolean;
}

/** A candidate as PostgreSQL encodes it in JSON: instants are ISO strings. */
type CandidateJson = Omit<CandidateRow, "start" | "end" | "evidenceCheckedAt" | "nextCheckAt" | "evidence" | "watchedSince" | "previous"> & {
  previous: (Omit<PreviousRow, "end"> & { end: string }) | null;
  start: string;
  end: string;
  watchedSince: string | null;
  evidenceCheckedAt: string | null;
  nextCheckAt: string | null;
  evidence: Array<{ kind: EvidenceKind; observedAt: string }>;
};

const dateOrNull = (value: string | null) => (value === null ? null : new Date(value));

function candidateFrom(json: CandidateJson): CandidateRow {
  return {
    ...json,
    start: new Date(json.start),
    end: new Date(json.end),
    watchedSince: dateOrNull(json.watchedSince),
    evidenceCheckedAt: dateOrNull(json.evidenceCheckedAt),
    nextCheckAt: dateOrNull(json.nextCheckAt),
    evidence: json.evidence.map((item) => ({ kind: item.kind, observedAt: new Date(item.observedAt) })),
    previous: json.previous === null ? null : { ...json.previous, end: new Date(json.previous.end) },
  };
}

/**
 * The batch comes back as one JSON document (one value for the driver and Prisma to carry
 * instead of 20 typed columns × 2,000 rows: most of a pass's own CPU went there), with each
 * meeting's evidence nested, so a batch is read in one statement.
 */
async function selectCandidates(db: Database, now: Date, where: Prisma.Sql, order: Prisma.Sql, batchSize: number): Promise<CandidateRow[]> {
  const [row] = await db.$queryRaw<Array<{ batch: string }>>`
    select coalesce(json_agg(c), '[]')::text as batch from (
      select m.id, m.user_id as "userId", m.title, m.location, m.start, m."end", m.time_zone as "timeZone",
             m.state, m.watched, m.is_cancelled as "isCancelled", (m.self_response = 'declined') as "selfDeclined",
             (m.meet_code is not null or m.teams_join_url is not null or m.zoom_meeting_id is not null) as "hasConference", m.evidence_source as "source", m.live_signal as "liveSignal", (m.live_read_at is not null) as "liveSignalRead", cn.created_at as "watchedSince",
             m.evidence_checked_at as "evidenceCheckedAt", m.next_check_at as "nextCheckAt",
             s.late_grace_minutes as "lateGraceMinutes", s.settle_minutes as "settleMinutes",
             s.auto_confirm_minutes as "autoConfirmMinutes", s.time_zone as "userTimeZone",
             s.check_in_prompt as "checkInPrompt", s.late_alerts_without_signal as "lateAlertsWithoutSignal",
             s.nudge_minutes as "nudgeMinutes", s.working_hours->>'end' as "workdayEnd",
             coalesce((select json_agg(json_build_object('kind', e.kind, 'observedAt', e.observed_at)) from evidence e where e.meeting_id = m.id), '[]') as evidence,
             m.description, m.meet_code as "meetCode", m.teams_join_url as "teamsJoinUrl", m.conference_url as "conferenceUrl",
             -- only a meeting that has not begun can get a heads-up: the others skip the probe. One still
             -- running well into this one is a double booking, not the meeting before it.
             case when (m.state is null or m.state = 'upcoming') and m.start > ${now}::timestamptz then (
               select json_build_object('id', p.id, 'title', p.title, 'end', p."end", 'location', p.location, 'description', p.description,
                                        'meetCode', p.meet_code, 'teamsJoinUrl', p.teams_join_url, 'conferenceUrl', p.conference_url, 'liveSignal', p.live_signal)
                 from meetings p
                where p.user_id = m.user_id and p.id <> m.id and p.watched and p.deleted_at is null
                  and p.start < m.start and p."end" between m.start - interval '30 minutes' and m.start + interval '15 minutes'
                order by p."end" desc, p.id limit 1) end as previous
        from meetings m left join settings s on s.user_id = m.user_id join connections cn on cn.id = m.connection_id
       where ${where}
       order by ${order}
       limit ${batchSize}
    ) c`;
  return (JSON.parse(row?.batch ?? "[]") as CandidateJson[]).map(candidateFrom);
}

type Cursor = { at: Date; id: string } | null;

/**
 * The next batch of meetings to decide. Unscoped (the pass the clock drives), only meetings
 * due by `next_check_at`, in index order; scoped (a user's calendar changed, one meeting's
 * evidence arrived), every unsettled meeting of the scope.
 */
async function readCandidates(db: Database, now: Date, scope: DetectionScope, cursor: Cursor, batchSize: number): Promise<CandidateRow[]> {
  if (!scope.meetingIds && !scope.userId) {
    const after = cursor ? Prisma.sql`and (m.next_check_at, m.id) > (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : Prisma.empty;
    return selectCandidates(db, now, Prisma.sql`m.next_check_at <= ${now}::timestamptz ${after}`, Prisma.sql`m.next_check_at, m.id`, batchSize);
  }
  const inScope = scope.meetingIds ? Prisma.sql`m.id = any(${[...scope.meetingIds]}::uuid[])` : Prisma.sql`m.user_id = ${scope.userId}::uuid`;
  const after = cursor ? Prisma.sql`and m.id > ${cursor.id}::uuid` : Prisma.empty;
  const where = Prisma.sql`${inScope} ${after}
    and m.start <= ${new Date(now.getTime() + 24 * HOUR_MS)}::timestamptz
    and m."end" >= ${new Date(now.getTime() - 72 * HOUR_MS)}::timestamptz
    and ((m.state is null and m.watched) or m.state in ('upcoming', 'in_progress', 'late', 'suspected_missed'))`;
  return selectCandidates(db, now, where, Prisma.sql`m.id`, batchSize);
}

function decideRow(row: CandidateRow, now: Date): DecidedMeeting {
  const decision = decide({
    meeting: { id: row.id, start: row.start, end: row.end, state: row.state, watched: row.watched, isCancelled: row.isCancelled, selfDeclined: row.selfDeclined, source: row.source, liveSignal: row.liveSignal, liveSignalRead: row.liveSignalRead, watchedSince: row.watchedSince },
    evidence: row.evidence,
    settings: detectionSettingsOf(row),
    now,
    headsUp: {
      start: row.start,
      place: physicalLocation(row),
      previous: row.previous && { id: row.previous.id, end: row.previous.end, place: physicalLocation(row.previous), liveSignal: row.previous.liveSignal },
    },
  });
  return { meeting: { id: row.id, userId: row.userId, state: row.state, nextCheckAt: row.nextCheckAt }, decision };
}

/** The user's settings as detection reads them; a user without a settings row has the defaults. */
export function detectionSettingsOf(row: SettingsColumns): DetectionSettings {
  const defaults = DEFAULT_DETECTION_SETTINGS;
  return {
    lateGraceMinutes: row.lateGraceMinutes ?? defaults.lateGraceMinutes,
    settleMinutes: row.settleMinutes ?? defaults.settleMinutes,
    autoConfirmMinutes: row.autoConfirmMinutes ?? defaults.autoConfirmMinutes,
    checkInPrompt: row.checkInPrompt ?? defaults.checkInPrompt,
    lateAlertsWithoutSignal: row.lateAlertsWithoutSignal ?? defaults.lateAlertsWithoutSignal,
    nudgeMinutes: row.nudgeMinutes ?? defaults.nudgeMinutes,
    timeZone: row.userTimeZone ?? defaults.timeZone,
    workdayEnd: row.workdayEnd ?? defaults.workdayEnd,
  };
}

/** Whether storing the decision changes anything (a due meeting always moves its next check). */
function worthStoring({ meeting, decision }: DecidedMeeting): boolean {
  return (
    decision.next !== meeting.state ||
    decision.transitions.length > 0 ||
    decision.alerts.length > 0 ||
    decision.tasks.length > 0 ||
    (decision.recheckAt?.getTime() ?? null) !== (meeting.nextCheckAt?.getTime() ?? null)
  );
}

/**
 * One detection pass. Unscoped, it decides the meetings whose `next_check_at` has come (the
 * instants the pure detector named, and meetings something changed), so a quiet minute reads
 * almost nothing however many meetings are stored; then it makes sure a wake-up is queued
 * for the earliest next check. Each batch is a constant number of statements: one read
 * (evidence nested), one store, a few more when it raises alerts (persist-decisions.ts).
 */
export async function detectMeetings(deps: DetectionDependencies, now: Date, scope: DetectionScope = {}, batchSize = 2000): Promise<DetectionPass> {
  const totals: DetectionPass = { examined: 0, transitions: 0, alerts: 0, batches: 0 };
  const unscoped = !scope.meetingIds && !scope.userId;
  // Storing is the expensive part (every stored row rewrites its index entries), so a pass
  // stores a few batches at once while it reads the next: batches are disjoint sets of
  // meetings, and two transactions deciding one meeting are safe anyway (unique keys).
  const storing = new InFlight(unscoped ? PARALLEL_STORES : 1);
  let cursor: Cursor = null;
  for (;;) {
    const candidates = await readCandidates(deps.db, now, scope, cursor, batchSize);
    if (candidates.length === 0) break;
    totals.batches += 1;
    const last = candidates.at(-1)!;
    cursor = { at: last.nextCheckAt ?? now, id: last.id };
    totals.examined += candidates.length;

    const decided = candidates.map((row) => decideRow(row, now));
    const byId = new Map(candidates.map((row) => [row.id, row]));
    // Never tell someone they are late or missed a meeting before asking its conference:
    // such decisions wait for a read of the attendance (the detect_meeting task does it first).
    const evidenceFirst = scope.evidenceJustRead
      ? []
      : decided.filter((item) => {
          const row = byId.get(item.meeting.id)!;
          const stale = !row.evidenceCheckedAt || now.getTime() - row.evidenceCheckedAt.getTime() > EVIDENCE_FRESH_MS;
          // Questions wait for a read (a nudge is about a meeting no source can see), and so does
          // "suspected" without a question (a meeting before we watched): the history must be true too.
          const asks = item.decision.alerts.some((alert) => alert.kind !== "nudge" && alert.kind !== "heads_up");
          const suspects = item.decision.next === "suspected_missed" && item.meeting.state !== "suspected_missed";
          return (asks || suspects) && row.hasConference && row.source !== "check_in" && stale;
        });
    const deferred = new Set(evidenceFirst.map((item) => item.meeting.id));
    const toStore = decided.filter((item) => !deferred.has(item.meeting.id) && worthStoring(item));
    if (evidenceFirst.length > 0 || toStore.length > 0) {
      const bucket = Math.floor(now.getTime() / EVIDENCE_FRESH_MS);
      const askFirst = evidenceFirst.map((item) => ({ kind: "detect_meeting", payload: { meetingId: item.meeting.id }, idempotencyKey: `detect:${item.meeting.id}:evidence-first:${bucket}`, dueAt: now, priority: 20 }));
      // An unscoped pass queues the wake-up for all its batches at its end.
      const options = { wakeUp: !unscoped };
      const store = async (tx: Prisma.TransactionClient) => {
        await enqueueTasks(tx, askFirst);
        return persistDecisions(tx, toStore, now, detectionHooks(deps, byId, now), options);
      };
      await storing.add(async () => {
        const stored =
          askFirst.length > 0 || needsTransaction(toStore, options)
            ? await deps.db.$transaction(store, { timeout: 60_000 })
            : await store(deps.db);
        totals.transitions += stored.transitions;
        totals.alerts += stored.alerts;
      });
    }
    if (candidates.length < batchSize) break;
  }
  await storing.settle();
  if (unscoped) await scheduleDetectionWakeUp(deps.db, now);
  return totals;
}

/** Batches of one pass stored at the same time (each holds a connection of the pool). */
const PARALLEL_STORES = 3;

/** At most `limit` jobs at once; the first failure is thrown by `add` or `settle`, after the others end. */
class InFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly limit: number) {}

  async add(job: () => Promise<void>): Promise<void> {
    this.throwIfFailed();
    const running: Promise<void> = job()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(running));
    this.running.add(running);
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.failure) await this.settle();
  }

  async settle(): Promise<void> {
    await Promise.all(this.running);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** What an alert's wording needs to know about its meeting. */
export interface AlertSubject {
  id: string;
  userId: string;
  title: string;
  start: Date;
  end: Date;
  timeZone: string;
  /** the user's own zone (settings), preferred over the event's */
  userTimeZone: string | null;
  location: string | null;
  /** the meeting right before, for a heads-up */
  previous?: { title: string; end: Date; location: string | null } | null;
}

/** How decisions become rows: alert wording and links, delivery, and the recovery-case task. */
export function detectionHooks(deps: DetectionDependencies, meetings: ReadonlyMap<string, AlertSubject>, now: Date): PersistHooks {
  return {
    describeAlert: (item, kind) => describeAlert(deps, meetings.get(item.meeting.id)!, kind, now),
    onAlertsRaised: (tx, alerts) => deps.onAlertsRaised(tx, alerts, now),
    onTransitions: (transitions) => deps.metrics?.transitions(transitions),
    taskFor: (item, command) =>
      command.kind === "open_recovery_case"
        ? { kind: "open_recovery_case", payload: { meetingId: item.meeting.id }, idempotencyKey: command.idempotencyKey, dueAt: now, userId: item.meeting.userId }
        : command.kind === "send_digest"
          ? digestTask(item.meeting.userId, command.day, command.dueAt)
          : previousCallTask(item.meeting.id, command.previousMeetingId, now),
  };
}

function describeAlert(deps: DetectionDependencies, meeting: AlertSubject, kind: DetectionAlertKind, now: Date): { title: string; body: string; data: Prisma.InputJsonValue } {
  const timeZone = meeting.userTimeZone ?? meeting.timeZone;
  const dashboard = `${deps.publicUrl}/?meeting=${meeting.id}`;
  const imHere = { label: "I'm here", url: deps.checkIns.url(meeting.id, meeting.userId, new Date(meeting.end.getTime() + 2 * HOUR_MS)) };
  if (kind === "heads_up") {
    const text = placesHeadsUp({ meetingTitle: meeting.title, start: meeting.start, where: meeting.location, previousTitle: meeting.previous?.title ?? "", previousEnd: meeting.previous?.end ?? meeting.start, previousWhere: meeting.previous?.location ?? null, timeZone });
    return { title: text.subject, body: text.body, data: { links: [{ label: "Tell them I'm running late", url: `${dashboard}&action=late` }] } };
  }
  if (kind === "nudge") {
    const text = nudgeAlert({ meetingTitle: meeting.title, start: meeting.start, timeZone, where: meeting.location });
    return { title: text.subject, body: text.body, data: { links: [imHere, { label: "I'm running late", url: `${dashboard}&action=late` }] } };
  }
  if (kind === "late") {
    const text = lateAlert({ meetingTitle: meeting.title, minutesSinceStart: Math.max(0, Math.round((now.getTime() - meeting.start.getTime()) / 60_000)), start: meeting.start, timeZone });
    return { title: text.subject, body: text.body, data: { links: [imHere, { label: "Tell them I'm running late", url: `${dashboard}&action=late` }] } };
  }
  const text = suspectedMissedAlert({ meetingTitle: meeting.title, start: meeting.start, end: meeting.end, timeZone });
  return {
    title: text.subject,
    body: text.body,
    data: {
      links: [
        { label: "Yes, I missed it", url: `${dashboard}&action=confirm` },
        { label: "I was there", url: `${dashboard}&action=deny` },
      ],
    },
  };
}
