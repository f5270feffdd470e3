import type { Prisma } from "../platform/index.js";
import type { Decision, DetectionAlertKind } from "./domain/index.js";
import { enqueueTasks, type NewTask } from "../tasks/index.js";
import { wakeUpTask } from "../calendars/index.js";
import { closeAlerts } from "../alerts/index.js";

type Tx = Prisma.TransactionClient;

export interface DecidedMeeting {
  /** as read before deciding: `nextCheckAt` is what a later change would have replaced */
  meeting: { id: string; userId: string; state: string | null; nextCheckAt: Date | null };
  decision: Decision;
}

export interface NewDetectionAlert {
  alertId: string;
  userId: string;
  /** null for a digest, which lists several meetings */
  meetingId: string | null;
  kind: DetectionAlertKind | "digest";
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
 * the transitions (each at most once, by the unique (meeting, from, to)) and the new states
 * and next checks in one statement; then, when there are any, the alerts (each at most once,
 * by its idempotency key), the withdrawals and the tasks, including one wake-up at the
 * batch's earliest next check (not one per meeting; `wakeUp: false` when the caller queues
 * it). A batch that raises, withdraws and queues nothing is that one statement, atomic on
 * its own: the caller needs no transaction for it (`needsTransaction`).
 */
export async function persistDecisions(tx: Tx, items: readonly DecidedMeeting[], now: Date, hooks: PersistHooks, options: { wakeUp?: boolean } = {}): Promise<{ transitions: number; alerts: number }> {
  if (items.length === 0) return { transitions: 0, alerts: 0 };
  // Rows travel as one JSON parameter each (one value for Prisma and the driver to carry
  // rather than five arrays of 2,000); jsonb_to_recordset also makes the planner probe the
  // primary key per row instead of hashing the whole meetings table.
  // Rows go in id order on every path (passes read in next-check order, scoped ones in id
  // order), so two transactions touching the same meetings lock them in the same order.
  const byMeetingId = [...items].sort((a, b) => (a.meeting.id < b.meeting.id ? -1 : a.meeting.id > b.meeting.id ? 1 : 0));
  const transitions = byMeetingId.flatMap((item) => item.decision.transitions.map((t) => ({ meeting_id: item.meeting.id, from_state: t.from, to_state: t.to, reason: t.reason })));
  // The next check is replaced only if it is still the one read before deciding: a change
  // stored meanwhile (a calendar sync, new evidence) set it to its own time, and that
  // meeting must stay due, since this decision did not see the change.
  const meetings = byMeetingId.map((item) => ({
    id: item.meeting.id,
    state: item.decision.next,
    changed: item.decision.next !== item.meeting.state,
    seen: item.meeting.nextCheckAt,
    seen_state: item.meeting.state,
    next_check: item.decision.recheckAt,
  }));
  // A decision is stored only over the state it was made from: a user's answer (or another
  // pass) committed meanwhile wins, and this decision, its transitions, alerts and tasks are
  // dropped; whoever changed the state has decided from the newer one.
  const [stored] = await tx.$queryRaw<Array<{ recorded: number; kept: string }>>`
    with decided as (
      update meetings m
         set state = coalesce(c.state, m.state),
             state_changed_at = case when c.changed then ${now}::timestamptz else m.state_changed_at end,
             updated_at = case when c.changed then ${now}::timestamptz else m.updated_at end,
             next_check_at = case when m.next_check_at is not distinct from c.seen then c.next_check else m.next_check_at end
        from jsonb_to_recordset(${JSON.stringify(meetings)}::jsonb)
          as c(id uuid, state "MeetingState", changed boolean, seen timestamptz, seen_state "MeetingState", next_check timestamptz)
       where m.id = c.id and m.state is not distinct from c.seen_state
      returning m.id
    ), recorded as (
      insert into state_transitions (id, meeting_id, from_state, to_state, reason, at)
      select gen_random_uuid(), t.meeting_id, t.from_state, t.to_state, t.reason, ${now}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(transitions)}::jsonb)
          as t(meeting_id uuid, from_state "MeetingState", to_state "MeetingState", reason text)
       where t.meeting_id in (select id from decided)
      on conflict (meeting_id, from_state, to_state) do nothing
      returning 1
    )
    select (select count(*) from recorded)::int as recorded,
           case when (select count(*) from decided) = ${meetings.length}::int then '*'
                else coalesce((select json_agg(id)::text from decided), '[]') end as kept`;
  const recorded = stored?.recorded ?? 0;
  const kept = stored?.kept === "*" ? byMeetingId : keptItems(byMeetingId, stored?.kept ?? "[]");
  if (recorded > 0) hooks.onTransitions?.(kept.flatMap((item) => item.decision.transitions.map((t) => ({ fromState: t.from, toState: t.to }))));

  const alertRows = kept.flatMap((item) =>
    item.decision.alerts.map((command) => ({ item, command, description: hooks.describeAlert(item, command.kind) })),
  );
  let raised: NewDetectionAlert[] = [];
  if (alertRows.length > 0) {
    const rows = alertRows.map(({ item, command, description }) => ({
      user_id: item.meeting.userId,
      meeting_id: item.meeting.id,
      kind: command.kind,
      idempotency_key: command.idempotencyKey,
      title: description.title,
      body: description.body,
      data: description.data,
    }));
    const inserted = await tx.$queryRaw<Array<{ alertId: string; userId: string; meetingId: string; kind: DetectionAlertKind }>>`
      insert into alerts (id, user_id, meeting_id, kind, idempotency_key, title, body, data, created_at)
      select gen_random_uuid(), a.user_id, a.meeting_id, a.kind, a.idempotency_key, a.title, a.body, a.data, ${now}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as a(user_id uuid, meeting_id uuid, kind "AlertKind", idempotency_key text, title text, body text, data jsonb)
      -- the same alert is raised once, however many detectors decide it
      on conflict (idempotency_key) do nothing
      returning id::text as "alertId", user_id::text as "userId", meeting_id::text as "meetingId", kind::text as "kind"`;
    raised = inserted;
    if (raised.length > 0) await hooks.onAlertsRaised(tx, raised);
  }

  // Left states close their alerts: a cancelled or declined meeting withdraws the question, any
  // other move (evidence came, the user answered elsewhere) resolves it. Answered ones stay answered.
  for (const closedBy of ["withdrawn", "resolved"] as const) {
    const keys = kept
      .filter((item) => (item.decision.next === "excused") === (closedBy === "withdrawn"))
      .flatMap((item) => item.decision.withdrawAlerts.map((kind) => `${kind}:${item.meeting.id}`));
    if (keys.length > 0) await closeAlerts(tx, { idempotencyKey: { in: keys } }, closedBy, now);
  }

  const earliest = options.wakeUp === false ? null : earliestRecheck(kept);
  const tasks: NewTask[] = [...kept.flatMap((item) => item.decision.tasks.map((command) => hooks.taskFor(item, command))), ...(earliest ? [wakeUpTask(earliest)] : [])];
  await enqueueTasks(tx, tasks);
  return { transitions: recorded, alerts: raised.length };
}

/** The decisions stored, when some were dropped because their meeting's state had moved on. */
function keptItems(items: readonly DecidedMeeting[], keptJson: string): DecidedMeeting[] {
  const ids = new Set(JSON.parse(keptJson) as string[]);
  return items.filter((item) => ids.has(item.meeting.id));
}

function earliestRecheck(items: readonly DecidedMeeting[]): Date | null {
  let earliest: Date | null = null;
  for (const { decision } of items) {
    if (decision.recheckAt && (!earliest || decision.recheckAt.getTime() < earliest.getTime())) earliest = decision.recheckAt;
  }
  return earliest;
}

/** Whether storing these decisions takes more than the one statement (see `persistDecisions`). */
export function needsTransaction(items: readonly DecidedMeeting[], options: { wakeUp?: boolean } = {}): boolean {
  return items.some(
    ({ decision }) =>
      decision.alerts.length > 0 || decision.withdrawAlerts.length > 0 || decision.tasks.length > 0 || (options.wakeUp !== false && decision.recheckAt !== null),
  );
}
