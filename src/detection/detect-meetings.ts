import type { Database, Prisma } from "../db/client.js";
import type { Logger } from "../platform/logger.js";
import type { Metrics } from "../platform/metrics.js";
import { lateAlert, suspectedMissedAlert } from "../recovery/domain/index.js";
import type { CheckInLinks } from "./check-in-links.js";
import { decide, type DetectionAlertKind, type EvidenceItem, type MeetingState } from "./domain/index.js";
import { enqueueTasks } from "../tasks/sql/enqueue-task.js";
import { persistDecisions, type DecidedMeeting, type NewDetectionAlert, type PersistHooks } from "./persist-decisions.js";

const HOUR_MS = 60 * 60 * 1000;
const NON_FINAL: MeetingState[] = ["upcoming", "in_progress", "late", "suspected_missed"];

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

/** Conference attendance read within this long counts as fresh. */
const EVIDENCE_FRESH_MS = 60_000;

type Candidate = Prisma.MeetingGetPayload<{ include: { evidence: true; user: { include: { settings: true } } } }>;

/**
 * One detection pass: every meeting that is (or was) watched and not settled, within a day
 * ahead and three days back, decided by the pure detector and stored in one transaction per
 * batch. A constant number of queries per batch, however many meetings it holds.
 */
export async function detectMeetings(deps: DetectionDependencies, now: Date, scope: DetectionScope = {}, batchSize = 2000): Promise<{ examined: number; transitions: number; alerts: number }> {
  const totals = { examined: 0, transitions: 0, alerts: 0 };
  let cursor: string | undefined;
  for (;;) {
    const candidates: Candidate[] = await deps.db.meeting.findMany({
      where: {
        ...(scope.meetingIds ? { id: { in: [...scope.meetingIds] } } : {}),
        ...(scope.userId ? { userId: scope.userId } : {}),
        ...(cursor ? { id: { gt: cursor, ...(scope.meetingIds ? { in: [...scope.meetingIds] } : {}) } } : {}),
        start: { lte: new Date(now.getTime() + 24 * HOUR_MS) },
        end: { gte: new Date(now.getTime() - 72 * HOUR_MS) },
        OR: [{ state: null, watched: true }, { state: { in: NON_FINAL } }],
      },
      include: { evidence: true, user: { include: { settings: true } } },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (candidates.length === 0) return totals;
    cursor = candidates.at(-1)!.id;
    totals.examined += candidates.length;

    const decided: DecidedMeeting[] = candidates.map((meeting) => {
      const settings = meeting.user.settings;
      const evidence: EvidenceItem[] = meeting.evidence.map((item) => ({ kind: item.kind, observedAt: item.observedAt }));
      const decision = decide({
        meeting: {
          id: meeting.id,
          start: meeting.start,
          end: meeting.end,
          state: meeting.state,
          watched: meeting.watched,
          isCancelled: meeting.isCancelled,
          selfDeclined: meeting.selfResponse === "declined",
        },
        evidence,
        settings: {
          lateGraceMinutes: settings?.lateGraceMinutes ?? 5,
          settleMinutes: settings?.settleMinutes ?? 10,
          autoConfirmMinutes: settings?.autoConfirmMinutes ?? null,
        },
        now,
      });
      return { meeting: { id: meeting.id, userId: meeting.userId, state: meeting.state }, decision };
    });
    const byId = new Map(candidates.map((meeting) => [meeting.id, meeting]));
    // Never tell someone they are late or missed a meeting before asking its conference:
    // such decisions wait for a read of the attendance (the detect_meeting task does it first).
    const evidenceFirst = scope.evidenceJustRead
      ? []
      : decided.filter((item) => {
          const meeting = byId.get(item.meeting.id)!;
          const stale = !meeting.evidenceCheckedAt || now.getTime() - meeting.evidenceCheckedAt.getTime() > EVIDENCE_FRESH_MS;
          return item.decision.alerts.length > 0 && Boolean(meeting.meetCode || meeting.teamsJoinUrl) && stale;
        });
    if (evidenceFirst.length > 0) {
      const bucket = Math.floor(now.getTime() / EVIDENCE_FRESH_MS);
      await deps.db.$transaction((tx) =>
        enqueueTasks(tx, evidenceFirst.map((item) => ({ kind: "detect_meeting", payload: { meetingId: item.meeting.id }, idempotencyKey: `detect:${item.meeting.id}:evidence-first:${bucket}`, dueAt: now, priority: 20 }))),
      );
    }
    const deferred = new Set(evidenceFirst.map((item) => item.meeting.id));
    const worthStoring = decided.filter((item) => !deferred.has(item.meeting.id)).filter((item) => item.decision.next !== item.meeting.state || item.decision.transitions.length > 0 || item.decision.recheckAt || item.decision.tasks.length > 0);
    if (worthStoring.length === 0) {
      if (candidates.length < batchSize) return totals;
      continue;
    }
    const stored = await deps.db.$transaction((tx) => persistDecisions(tx, worthStoring, now, detectionHooks(deps, byId, now)), { timeout: 60_000 });
    totals.transitions += stored.transitions;
    totals.alerts += stored.alerts;
    if (candidates.length < batchSize) return totals;
  }
}

/** How decisions become rows: alert wording and links, delivery, and the recovery-case task. */
export function detectionHooks(deps: DetectionDependencies, meetings: ReadonlyMap<string, AlertSubject>, now: Date): PersistHooks {
  return {
    describeAlert: (item, kind) => describeAlert(deps, meetings.get(item.meeting.id)!, kind, now),
    onAlertsRaised: (tx, alerts) => deps.onAlertsRaised(tx, alerts, now),
    onTransitions: (transitions) => deps.metrics?.transitions(transitions),
    taskFor: (item, command) => ({ kind: "open_recovery_case", payload: { meetingId: item.meeting.id }, idempotencyKey: command.idempotencyKey, dueAt: now, userId: item.meeting.userId }),
  };
}

export type AlertSubject = Pick<Candidate, "id" | "userId" | "title" | "start" | "end" | "timeZone"> & { user: { settings: { timeZone: string } | null } };

function describeAlert(deps: DetectionDependencies, meeting: AlertSubject, kind: DetectionAlertKind, now: Date): { title: string; body: string; data: Prisma.InputJsonValue } {
  const timeZone = meeting.user.settings?.timeZone ?? meeting.timeZone;
  const dashboard = `${deps.publicUrl}/?meeting=${meeting.id}`;
  if (kind === "late") {
    const text = lateAlert({ meetingTitle: meeting.title, minutesSinceStart: Math.max(0, Math.round((now.getTime() - meeting.start.getTime()) / 60_000)), start: meeting.start, timeZone });
    return {
      title: text.subject,
      body: text.body,
      data: {
        links: [
          { label: "I'm here", url: deps.checkIns.url(meeting.id, meeting.userId, new Date(meeting.end.getTime() + 2 * HOUR_MS)) },
          { label: "Tell them I'm running late", url: `${dashboard}&action=late` },
        ],
      },
    };
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
