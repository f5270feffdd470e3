import pg from "pg";
import { z } from "zod";
import { Prisma } from "../../platform/index.js";
import type { SqlClient } from "./sql-client.js";

type Tx = Prisma.TransactionClient;

export const TASKS_CHANNEL = "makegood_tasks";

export interface NewTask {
  kind: string;
  payload: Prisma.InputJsonValue;
  /** the same key never queues a second task: re-running whatever asked is harmless */
  idempotencyKey: string;
  dueAt: Date;
  priority?: number;
  maxAttempts?: number;
  userId?: string | null;
  caseId?: string | null;
}

const enqueuedRow = z.object({ count: z.number().int() });

const ENQUEUE_SQL = `
  with inserted as (
    insert into tasks (id, kind, payload, idempotency_key, due_at, priority, max_attempts, user_id, case_id)
    select gen_random_uuid(), t.kind, t.payload, t.idempotency_key, t.due_at, t.priority, t.max_attempts, t.user_id, t.case_id
      from unnest($1::text[], $2::jsonb[], $3::text[], $4::timestamptz[], $5::int[], $6::int[], $7::uuid[], $8::uuid[])
        as t(kind, payload, idempotency_key, due_at, priority, max_attempts, user_id, case_id)
    -- A duplicate idempotency key is the "already queued" case, not an error.
    on conflict (idempotency_key) do nothing
    returning due_at
  )
  -- pg_notify returns void, which a raw query cannot read back: hence "is not null".
  select count(*)::int as count,
         case when count(*) > 0 then pg_notify('${TASKS_CHANNEL}', to_json(min(due_at)) #>> '{}') is not null end as notified
    from inserted`;

/** Prisma's transaction client, or node-postgres (a pool, or a client inside BEGIN … COMMIT). */
export type EnqueueClient = Tx | SqlClient;

/**
 * Queues tasks (inside the caller's transaction, so a domain change and the work it
 * triggers commit together) and wakes the workers. NOTIFY is transactional: it is delivered
 * on commit, and never for a rolled-back enqueue; its payload is the earliest due time, so
 * a runner sets a timer for a task due later instead of claiming at once. Returns how many
 * were new.
 *
 * One statement whatever the count (columns passed as arrays and unnested), because this
 * sits on the path from "something happened" to "a worker starts on it": Prisma's
 * `createMany` plus a separate NOTIFY took ~5 ms to compile and two round trips per call
 * (bench/tasks.ts), this takes one. It runs on Prisma's transaction client (what the domain
 * code holds) or straight on node-postgres (the engine's own path, ~0.1 ms instead of ~0.3).
 */
export async function enqueueTasks(client: EnqueueClient, tasks: readonly NewTask[]): Promise<number> {
  if (tasks.length === 0) return 0;
  const values = [
    tasks.map((task) => task.kind),
    tasks.map((task) => JSON.stringify(task.payload)),
    tasks.map((task) => task.idempotencyKey),
    tasks.map((task) => task.dueAt.toISOString()),
    tasks.map((task) => task.priority ?? 0),
    tasks.map((task) => task.maxAttempts ?? 8),
    tasks.map((task) => task.userId ?? null),
    tasks.map((task) => task.caseId ?? null),
  ];
  let rows: unknown[];
  if ("$queryRawUnsafe" in client) rows = await client.$queryRawUnsafe<unknown[]>(ENQUEUE_SQL, ...values);
  // On node-postgres' own pool or client, a named statement: parsed and planned once per connection.
  else if (client instanceof pg.Pool || client instanceof pg.Client) rows = (await client.query({ name: "makegood_enqueue_tasks", text: ENQUEUE_SQL, values })).rows;
  else rows = (await client.query(ENQUEUE_SQL, values)).rows;
  return enqueuedRow.parse(rows[0]).count;
}
