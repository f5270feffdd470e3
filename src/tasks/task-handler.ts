import type { z } from "zod";
import type { Database, Prisma } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import type { SqlClient } from "./sql/sql-client.js";
import type { ClaimedTask } from "./task-row.js";

export type Tx = Prisma.TransactionClient;
export type { SqlClient };

export interface TaskContext {
  task: ClaimedTask;
  now: Date;
  log: Logger;
  db: Database;
  /**
   * Commits `effects` and marks the task done in one transaction. A handler that does not
   * call it is finished with no effects when it returns. `effects` should only write
   * through `tx` and do nothing slow (no network): the runner may commit several tasks'
   * effects in one transaction, and run them again on their own if that one rolls back.
   */
  finish(effects?: (tx: Tx) => Promise<void>): Promise<void>;
  /**
   * The same, with effects written as SQL over node-postgres (`sql.query(text, values)`)
   * instead of through Prisma: the engine's own path, about five times cheaper per
   * transaction (README, "Benchmarks"). For hot, simple effects; the same rules apply.
   * The runner always provides it; it is optional so a context built by hand (a test
   * running a handler directly) need not.
   */
  finishWithSql?(effects: (sql: SqlClient) => Promise<void>): Promise<void>;
}

/**
 * One kind of deferred work. `run` must be safe to run twice: a lease can run out under a
 * slow worker, and the task is then claimed again.
 */
export interface TaskHandler<Payload = unknown> {
  kind: string;
  payload: z.ZodType<Payload>;
  run(payload: Payload, context: TaskContext): Promise<void>;
}

/** Keeps the payload type between a handler's schema and its run function. */
export function defineTask<Payload>(handler: TaskHandler<Payload>): TaskHandler<Payload> {
  return handler;
}
