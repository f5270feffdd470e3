import type { Prisma } from "../db/client.js";
import type { Decision, DetectionAlertKind } from "./domain/index.js";
import { enqueueTasks, type NewTask } from "../tasks/sql/enqueue-task.js";
import { wakeUpTask } from "./wake-up.js";

type Tx = Prisma.TransactionClient;

export interface DecidedMeeting {
  /** as read before deciding: `nextCheckAt` is what a later change would have replaced */
  meeting: { id: string; userId: string; state: string | null; nextCheckAt: Date | null };
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
}

/**
 * Stores a batch of decisions with a fixed number of statements, whatever the batch size:
 * the transitions (each at most once, by the unique (meeting, from, to)), the new states and
 * next checks, the alerts (each at most once, by its idempotency key), the withdrawals, and
 * the tasks, including one wake-up at the batch's earliest next check (not one per meeting).
 */
export async function persistDecisions(tx: Tx, items: readonly DecidedMeeting[], now: Date, hooks: PersistHooks): Promise<{ transitions: number; alerts: number }> {
  if (items.length === 0) return { transitions: 0, alerts: 0 };
  // Every statement below touches a batch's own rows, a sliver of its tables: PostgreSQL's
  // cost model (pages assumed on disk) would rather scan all 100,000 meetings once per batch
  // than probe the primary key 2,000 times, which made a pass quadratic. For this transaction only.
  await tx.$executeRaw`select set_config('enable_seqscan', 'off', true)`;
  const transitions = items.flatMap((item) => item.decision.transitions.map((t) => ({ meetingId: item.meeting.id, ...t })));
  let recorded = 0;
  if (transitions.length > 0) {
    recorded = await tx.$executeRaw`
      insert into state_transitions (id, meeting_id, from_state, to_state, reason, at)
      select gen_random_uuid(), t.meeting_id, t.from_state::"MeetingState", t.to_state::"MeetingState", t.reason, ${now}::timestamptz
        from unnest(
          ${transitions.map((t) => t.meetingId)}::uuid[],
          ${transitions.map((t) => t.from)}::text[],
          ${transitions.map((t) => t.to)}::text[],
          ${transitions.map((t) => t.reason)}::text[]
        ) as t(meeting_id, from_state, to_state, reason)
      on conflict (meeting_id, from_state, to_state) do nothing`;
  }
  // The next check is replaced only if it is still the one read before deciding: a change
  // stored meanwhile (a calendar sync, new evidence) set it to its own time, and that
  // meeting must stay due, since this decision did not see the change.
  await tx.$executeRaw`
    update meetings m
       set state = coalesce(c.state::"MeetingState", m.state),
           state_changed_at = case when c.changed then ${now}::timestamptz else m.state_changed_at end,
           updated_at = case when c.changed then ${now}::timestamptz else m.updated_at end,
           next_check_at = case when m.next_check_at is not distinct from c.seen then c.next_check else m.next_check_at end
      from unnest(
        ${items.map((item) => item.meeting.id)}::uuid[],
        ${items.map((item) => item.decision.next)}::text[],
        ${items.map((item) => item.decision.next !== item.meeting.state)}::boolean[],
        ${items.map((item) => item.meeting.nextCheckAt?.toISOString() ?? null)}::timestamptz[],
        ${items.map((item) => item.decision.recheckAt?.toISOString() ?? null)}::timestamptz[]
      ) as c(id, state, changed, seen, next_check)
     where m.id = c.id`;

  const alertRows = items.flatMap((item) =>
    item.decision.alerts.map((command) => ({ item, command, description: hooks.describeAlert(item, command.kind) })),
  );
  let raised: NewDetectionAlert[] = [];
  if (alertRows.length > 0) {
    const inserted = await tx.$queryRaw<Array<{ alertId: string; userId: string; meetingId: string; kind: DetectionAlertKind }>>`
      insert into alerts (id, user_id, meeting_id, kind, idempotency_key, title, body, data, created_at)
      select gen_random_uuid(), a.user_id, a.meeting_id, a.kind::"AlertKind", a.idempotency_key, a.title, a.body, a.data, ${now}::timestamptz
        from unnest(
          ${alertRows.map(({ item }) => item.meeting.userId)}::uuid[],
          ${alertRows.map(({ item }) => item.meeting.id)}::uuid[],
          ${alertRows.map(({ command }) => command.kind)}::text[],
          ${alertRows.map(({ command }) => command.idempotencyKey)}::text[],
          ${alertRows.map(({ description }) => description.title)}::text[],
          ${alertRows.map(({ description }) => description.body)}::text[],
          ${alertRows.map(({ description }) => JSON.stringify(description.data))}::jsonb[]
        ) as a(user_id, meeting_id, kind, idempotency_key, title, body, data)
      -- the same alert is raised once, however many detectors decide it
      on conflict (idempotency_key) do nothing
      returning id::text as "alertId", user_id::text as "userId", meeting_id::text as "meetingId", kind::text as "kind"`;
    raised = inserted;
    if (raised.length > 0) await hooks.onAlertsRaised(tx, raised);
  }

  const withdrawals = items.flatMap((item) => item.decision.withdrawAlerts.map((kind) => `${kind}:${item.meeting.id}`));
  if (withdrawals.length > 0) await tx.alert.updateMany({ where: { idempotencyKey: { in: withdrawals }, withdrawnAt: null }, data: { withdrawnAt: now } });

  const earliest = items.reduce<Date | null>((min, item) => {
    const at = item.decision.recheckAt;
    return at && (!min || at.getTime() < min.getTime()) ? at : min;
  }, null);
  const tasks: NewTask[] = [...items.flatMap((item) => item.decision.tasks.map((command) => hooks.taskFor(item, command))), ...(earliest ? [wakeUpTask(earliest)] : [])];
  await enqueueTasks(tx, tasks);
  return { transitions: recorded, alerts: raised.length };
}
