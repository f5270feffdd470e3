import pg from "pg";

/**
 * Who is using the embedded PostgreSQL: every process that joined it (`npm start`, each
 * `npm run job`) holds a shared advisory lock on a connection of its own, and the last one
 * out is the one that can take the lock exclusively. PostgreSQL keeps this count for us: a
 * process that dies (SIGKILL, OOM) loses its connection and with it its place, so a crash
 * never leaves a phantom user that keeps the server up forever, nor a count gone wrong.
 *
 * Joining and leaving both happen under the DATA_DIR lock (data-dir-lock.ts), so nobody can
 * join between the last user's "am I alone?" and its stop.
 *
 * The lock lives in the "postgres" maintenance database, apart from the service's own job
 * locks in its database (advisory locks are per database).
 */
const USERS_LOCK = "makegood:embedded-server-users";

export interface ServerMembership {
  /** Gives up this process's place; true when nobody else is left (the caller then stops the server). */
  leave(): Promise<boolean>;
}

export async function joinServer(maintenanceUrl: string): Promise<ServerMembership> {
  const client = new pg.Client({ connectionString: maintenanceUrl, application_name: "makegood embedded-server user" });
  // A server stopped under us (by hand, a crash) ends this connection: that is no error of ours.
  client.on("error", () => undefined);
  await client.connect();
  await client.query("select pg_advisory_lock_shared(hashtextextended($1, 0))", [USERS_LOCK]);
  let left = false;
  return {
    async leave() {
      // A second stop (two shutdown signals) has no place left to give up.
      if (left) return false;
      left = true;
      try {
        await client.query("select pg_advisory_unlock_shared(hashtextextended($1, 0))", [USERS_LOCK]);
        const result = await client.query<{ alone: boolean }>("select pg_try_advisory_lock(hashtextextended($1, 0)) as alone", [USERS_LOCK]);
        return result.rows[0]?.alone === true;
      } catch {
        // Our connection was lost (the server restarted, or was stopped by hand): ask afresh;
        // a server that is gone has nobody to stop.
        return nobodyUsesServer(maintenanceUrl).catch(() => false);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** Whether nobody holds a place on the running server. */
async function nobodyUsesServer(maintenanceUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const result = await client.query<{ alone: boolean }>("select pg_try_advisory_lock(hashtextextended($1, 0)) as alone", [USERS_LOCK]);
    return result.rows[0]?.alone === true;
  } finally {
    await client.end().catch(() => undefined);
  }
}
