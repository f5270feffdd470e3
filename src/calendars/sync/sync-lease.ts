import type { Database } from "../../platform/index.js";
import { requestSync } from "./request-sync.js";

/**
 * One sync of a connection at a time, across processes and instances, without holding a
 * database connection for the length of a round (a round waits on the provider for seconds;
 * a session advisory lock would pin one connection per running sync). The connection row
 * carries a lease, taken with a conditional update and extended while the round runs; a
 * process that dies leaves a lease that lapses after SYNC_LEASE_MS.
 *
 * A sync asked for while another runs does not wait or retry: it sets `sync_again`, in the
 * same locked update that finds the lease taken, and the running sync queues one more when
 * it gives the lease back (the change that asked may have come after its read).
 */
export const SYNC_LEASE_MS = 60_000;

/** Takes the connection's sync lease, or tells the holder to go again. True when taken. */
export async function takeSyncLease(db: Database, connectionId: string, owner: string, now: Date): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ taken: boolean }>>`
    update connections c
       set sync_lease_until = case when s.free then ${new Date(now.getTime() + SYNC_LEASE_MS)} else c.sync_lease_until end,
           sync_lease_owner = case when s.free then ${owner} else c.sync_lease_owner end,
           -- The round about to start reads the calendar after this instant: it covers earlier asks.
           sync_again = not s.free
      from (select id, (sync_lease_until is null or sync_lease_until < ${now}) as free
              from connections where id = ${connectionId}::uuid for update) s
     where c.id = s.id
    returning s.free as taken`;
  return rows[0]?.taken ?? false;
}

/** Keeps the lease while a long round runs; false when it was lost (lapsed and taken by another). */
export async function extendSyncLease(db: Database, connectionId: string, owner: string, now: Date): Promise<boolean> {
  const updated = await db.connection.updateMany({ where: { id: connectionId, syncLeaseOwner: owner }, data: { syncLeaseUntil: new Date(now.getTime() + SYNC_LEASE_MS) } });
  return updated.count > 0;
}

/**
 * Gives the lease back; when a sync was asked for meanwhile, queues it in the same transaction,
 * so that ask is never lost. Returns whether one was queued.
 */
export async function releaseSyncLease(db: Database, connectionId: string, owner: string, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ again: boolean }>>`
      update connections c set sync_lease_until = null, sync_lease_owner = null, sync_again = false
        from (select id, sync_again from connections where id = ${connectionId}::uuid and sync_lease_owner = ${owner} for update) held
       where c.id = held.id
      returning held.sync_again as again`;
    if (!rows[0]?.again) return false;
    await requestSync(tx, connectionId, `asked-during-round:${now.toISOString()}`, now);
    return true;
  });
}
