import type { Prisma } from "../db/client.js";
import type { Decision, DetectionAlertKind } from "./domain/index.js";
import { enqueueTasks, type NewTask } from "../tasks/sql/enqueue-task.js";

type Tx = Prisma.TransactionClient;

export interface DecidedMeeting {
  meeting: { id: string; userId: string; state: string | null };
  decision: Decision;
}

export interface NewDetectionAlert {
  alertId: string;
  userId: string;
  meetingId: string;
  kind: DetectionAlertKind;
}

export interface PersistHooks {
  /** the title, body and data of an alert about to be raised */
  describeAlert(item: DecidedMeeting, kind: DetectionAlertKind): { title: string; body: string; data: Prisma.InputJsonValue };
  /** called in the same transaction for alerts that are new (e.g. to queue their delivery) */
  onAlertsRaised(tx: Tx, alerts: readonly NewDetectionAlert[]): Promise<void>;
  /** tasks a decision implies beyond rechecks (e.g. opening a recovery case) */
  taskFor(item: DecidedMeeting, command: Decision["tasks"][number]): NewTask;
  /** the transitions this batch stores (for metrics) */
  onTransitions?(transitions: ReadonlyArray<{ fromState: string; toState: string }>): void;
}

/**
 * Stores a batch of decisions with a fixed number of statements, whatever the batch size:
 * the transitions (each at most once, by the unique (meeting, from, to)), the new states,
 * the alerts (each at most once, by its idempotency key), the withdrawals, and the tasks —
 * including a wake-up at each decision's `recheckAt`.
 */
export async function persistDecisions(tx: Tx, items: readonly DecidedMeeting[], now: Date, hooks: PersistHooks): Promise<{ transitions: number; alerts: number }> {
  const changed = items.filter((item) => item.decision.next !== item.meeting.state);
  const transitions = items.flatMap((item) => item.decision.transitions.map((t) => ({ meetingId: item.meeting.id, fromState: t.from, toState: t.to, reason: t.reason, at: now })));
  let recorded = 0;
  if (transitions.length > 0) recorded = (await tx.stateTransition.createMany({ data: transitions, skipDuplicates: true })).count;
  if (recorded > 0) hooks.onTransitions?.(transitions);

  if (changed.length > 0) {
    await tx.$executeRaw`
      update meetings m
         set state = c.state::"MeetingState", state_changed_at = ${now}, updated_at = ${now}
        from unnest(${changed.map((item) => item.meeting.id)}::uuid[], ${changed.map((item) => item.decision.next)}::text[]) as c(id, state)
       where m.id = c.id`;
  }

  const alertRows = items.flatMap((item) =>
    item.decision.alerts.map((command) => ({ item, command, description: hooks.describeAlert(item, command.kind) })),
  );
  let raised: NewDetectionAlert[] = [];
  if (alertRows.length > 0) {
    const inserted = await tx.alert.createManyAndReturn({
      data: alertRows.map(({ item, command, description }) => ({
        userId: item.meeting.userId,
        meetingId: item.meeting.id,
        kind: command.kind,
        idempotencyKey: command.idempotencyKey,
        title: description.title,
        body: description.body,
        data: description.data,
        createdAt: now,
      })),
      skipDuplicates: true,
      select: { id: true, userId: true, meetingId: true, kind: true },
    });
    raised = inserted.map((row) => ({ alertId: row.id, userId: row.userId, meetingId: row.meetingId!, kind: row.kind as DetectionAlertKind }));
    if (raised.length > 0) await hooks.onAlertsRaised(tx, raised);
  }

  const withdrawals = items.flatMap((item) => item.decision.withdrawAlerts.map((kind) => `${kind}:${item.meeting.id}`));
  if (withdrawals.length > 0) await tx.alert.updateMany({ where: { idempotencyKey: { in: withdrawals }, withdrawnAt: null }, data: { withdrawnAt: now } });

  const tasks: NewTask[] = items.flatMap((item) => [
    ...item.decision.tasks.map((command) => hooks.taskFor(item, command)),
    ...(item.decision.recheckAt
      ? [{ kind: "detect_meeting", payload: { meetingId: item.meeting.id }, idempotencyKey: `detect:${item.meeting.id}:${item.decision.recheckAt.toISOString()}`, dueAt: item.decision.recheckAt, priority: 20 }]
      : []),
  ]);
  await enqueueTasks(tx, tasks);
  return { transitions: recorded, alerts: raised.length };
}
