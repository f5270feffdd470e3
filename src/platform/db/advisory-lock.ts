import pg from "pg";

/**
 * Session-level PostgreSQL advisory locks, each held on its own connection for as long as
 * the work runs: two instances never run the same exclusive job body at once, and a
 * process that dies releases its locks with its connection.
 */
export class AdvisoryLocks {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string) {
    // Exclusive job bodies and buffer placement, a handful at once (syncs use their connection's
    // lease instead: sync-lease.ts); more waiters queue for a connection.
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 6, idleTimeoutMillis: 10_000 });
    this.pool.on("error", () => {
      // A lost idle lock connection is harmless: its locks went with it.
    });
  }

  /**
   * Runs `work` holding the lock named `name`. With `wait: false` it returns `{ ran: false }`
   * at once when another session holds the lock.
   */
  async withLock<T>(name: string, options: { wait: boolean }, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    const client = await this.pool.connect();
    try {
      // hashtextextended gives a stable 64-bit key for a readable name.
      if (options.wait) {
        await client.query("select pg_advisory_lock(hashtextextended($1, 0))", [name]);
      } else {
        const result = await client.query<{ locked: boolean }>("select pg_try_advisory_lock(hashtextextended($1, 0)) as locked", [name]);
        if (!result.rows[0]?.locked) return { ran: false };
      }
      try {
        return { ran: true, value: await work() };
      } finally {
        await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [name]).catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
