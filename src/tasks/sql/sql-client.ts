/**
 * What the task engine needs of a connection: node-postgres' `query`. A pg.Pool runs each
 * call on any free connection (one statement, its own transaction); a pg.PoolClient inside
 * BEGIN … COMMIT runs them in that transaction. The engine's hot path talks to PostgreSQL
 * through this rather than Prisma: a Prisma interactive transaction cost ~2.6 ms against
 * ~0.45 ms for the same statements over pg (bench/tasks.ts, README "Benchmarks").
 */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** Prisma's transaction client seen as a SqlClient (row counts come from `returning`). */
export function prismaSqlClient(tx: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T> }): SqlClient {
  return {
    async query(text, values = []) {
      const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...values);
      return { rows, rowCount: rows.length };
    },
  };
}
