import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { Prisma, PrismaClient } from "../platform/index.js";

/** What an effect writes through: Prisma's transaction client, running on the batcher's own connection. */
export type Tx = Prisma.TransactionClient;

type QueryConfig = { text: string; values?: unknown[] } & Record<string, unknown>;

/**
 * A pg.Pool in name only (PrismaPg accepts nothing else): every query goes to the one
 * connection the commit batcher has bound, which is inside the batcher's transaction. So
 * Prisma's typed API runs on a connection we own, in a transaction we open and commit with
 * plain statements: a Prisma interactive transaction per group cost ~2 ms of its own
 * (README, "Benchmarks"); this costs nothing beyond the queries.
 *
 * A transaction Prisma opens by itself (a nested write is several statements in an
 * internal transaction) becomes a savepoint, so it can never commit or end ours.
 */
class BoundPool extends pg.Pool {
  bound: pg.PoolClient | undefined;
  /**
   * Statements wait for the one before: Prisma sends a transaction's queries in parallel
   * (a `Promise.all` in an effect, its own reads), and node-postgres deprecates queueing
   * on a busy client (an error in pg 9).
   */
  private tail: Promise<unknown> = Promise.resolve();

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private target(): pg.PoolClient {
    if (!this.bound) throw new Error("a task effect ran outside its commit (effects may only write through the tx they are given, while `finish` runs them)");
    return this.bound;
  }

  // PrismaPg only ever calls query(config) and connect(); the overloads are pg's.
  override query(config: unknown, values?: unknown): never {
    const client = this.target();
    return this.serial(() => client.query(config as QueryConfig, values as unknown[])) as never;
  }

  override connect(): never {
    const client = this.target();
    const savepoint = "prisma_internal";
    const rewrite = (text: string) => {
      const statement = text.trim().toUpperCase();
      if (statement === "BEGIN") return `SAVEPOINT ${savepoint}`;
      if (statement === "COMMIT") return `RELEASE SAVEPOINT ${savepoint}`;
      if (statement === "ROLLBACK") return `ROLLBACK TO SAVEPOINT ${savepoint}`;
      return text;
    };
    const inner = {
      query: (config: QueryConfig) => this.serial(() => client.query({ ...config, text: rewrite(config.text) } as QueryConfig)),
      on: () => inner,
      removeListener: () => inner,
      release: () => undefined,
    };
    return Promise.resolve(inner) as never;
  }
}

/**
 * One connection of the commit batcher, with a Prisma client bound to it. Each connection
 * has its own client: Prisma batches concurrent reads of one client into one query, which
 * must never mix two transactions.
 */
export class EffectConnection {
  private readonly pool: BoundPool;
  private readonly prisma: PrismaClient;
  readonly tx: Tx;

  /** set when the connection failed while checked out: it is discarded, not reused */
  failed: Error | undefined;

  constructor(readonly client: pg.PoolClient) {
    // Checked out for good, so the pool's idle handler no longer covers it: a connection
    // lost between commits must not crash the process; the next statement fails instead.
    client.on("error", (error) => (this.failed = error));
    this.pool = new BoundPool({ max: 1 });
    this.prisma = new PrismaClient({ adapter: new PrismaPg(this.pool) });
    this.tx = withDirectRawWrites(this.prisma, (text, values) => this.pool.query({ text, values }) as unknown as Promise<pg.QueryResult>);
  }

  /** Runs `work` with the Prisma client bound to this connection. */
  async bind<T>(work: () => Promise<T>): Promise<T> {
    this.pool.bound = this.client;
    try {
      return await work();
    } finally {
      this.pool.bound = undefined;
    }
  }

  async close(broken?: Error): Promise<void> {
    this.client.release(broken);
    await this.prisma.$disconnect().catch(() => undefined);
  }
}

type RawWrite = (text: string, values: unknown[]) => Promise<pg.QueryResult>;

/**
 * `$executeRaw` and `$executeRawUnsafe` sent straight to node-postgres: a raw write needs
 * nothing of Prisma but its template tag, and its request pipeline cost more than the
 * statement on a busy machine (bench/tasks.ts). Only writes: they return a row count, so
 * results cannot differ; `$queryRaw` keeps Prisma's type mapping of what it reads. The
 * parameters are converted the way Prisma's pg adapter does for these types (a Date as
 * an ISO instant, an object as JSON; node-postgres does both).
 */
function withDirectRawWrites(prisma: PrismaClient, write: RawWrite): Tx {
  const count = (result: pg.QueryResult) => result.rowCount ?? 0;
  const executeRaw = (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
    const sql = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...(values as Prisma.Sql[]));
    return write(sql.text, sql.values).then(count);
  };
  const executeRawUnsafe = (text: string, ...values: unknown[]) => write(text, values).then(count);
  return new Proxy(prisma, {
    get(target, property) {
      if (property === "$executeRaw") return executeRaw;
      if (property === "$executeRawUnsafe") return executeRawUnsafe;
      // Bound to the client itself, not the proxy: Prisma's methods use private fields.
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as Tx;
}
