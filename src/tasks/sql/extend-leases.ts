import type { SqlClient } from "./sql-client.js";

/**
 * The heartbeat: extends the lease of every task this worker holds, each by its kind's
 * lease, in one statement. Returns the ids it still held; a missing one was taken over
 * (its lease ran out while this process was stalled) and must not be committed by us.
 */
export async function extendLeases(sql: SqlClient, tasks: { ids: readonly string[]; leasesMs: readonly number[]; workerId: string; now: Date }): Promise<string[]> {
  if (tasks.ids.length === 0) return [];
  const { rows } = await sql.query(
    `update tasks t
        set locked_until = $3::timestamptz + l.lease_ms * interval '1 millisecond'
       from unnest($1::uuid[], $2::int[]) as l(id, lease_ms)
      where t.id = l.id and t.locked_by = $4 and t.status = 'running'
     returning t.id::text as id`,
    [tasks.ids, tasks.leasesMs.map((ms) => Math.round(ms)), tasks.now, tasks.workerId],
  );
  return rows.map((row) => (row as { id: string }).id);
}
