import type { z } from "zod";
import type { Database, Prisma } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import type { Tx } from "./effect-connection.js";
import type { SqlClient } from "./sql/sql-client.js";
import type { ClaimedTask } from "./task-row.js";

export type { Tx, SqlClient };

/** A lease when a kind names none: long enough for any network call, short enough that a dead worker's task runs again within 30 s. */
export const DEFAULT_LEASE_MS = 20_000;

export interface TaskContext {
  task: ClaimedTask;
  now: Date;
  log: Logger;
  /** for reads before `finish` (and the rare handler that must commit something first) */
  db: Database;
  /**
   * Commits `effects` and marks the task done in one transaction: the one commit path of
   * every handler (CommitBatcher). A handler that does not call it is finished with no
   * effects when it returns. `effects` may only write through `tx` (Prisma's typed API, or
   * `tx.$executeRaw` for SQL) and do nothing slow (no network): the batcher commits several
   * tasks' effects in one transaction, each under its own savepoint.
   */
  finish(effects?: (tx: Tx) => Promise<void>): Promise<void>;
}

/** What `gaveUp` is told: the task, parked as failed, why, and the transaction parking it. */
export interface GaveUpContext {
  task: ClaimedTask;
  now: Date;
  log: Logger;
  lastError: string;
  /** the transaction that parks the task: write only through it, and nothing slow */
  tx: Tx;
}

/**
 * One kind of deferred work. `run` must be safe to run twice: a worker can die after its
 * effects committed elsewhere (a sent email) and before its completion did.
 */
export interface TaskHandler<Payload = unknown> {
  kind: string;
  payload: z.ZodType<Payload>;
  run(payload: Payload, context: TaskContext): Promise<void>;
  /**
   * How long a claim holds the task without a heartbeat (default DEFAULT_LEASE_MS). The
   * runner extends it every third of that while the task runs, so it bounds how soon a
   * crashed worker's task runs again, not how long a task may take.
   */
  leaseMs?: number;
  /**
   * Called when the task is parked as failed (its last attempt failed, it failed for good,
   * or its worker kept dying), inside the transaction that parks it: e.g. mark what the
   * task was to deliver as failed rather than leaving it pending. Only with a payload that
   * parsed; if it throws, the task is parked without its effects (and the error logged).
   */
  gaveUp?(payload: Payload, context: GaveUpContext): Promise<void>;
}

/** Keeps the payload type between a handler's schema and its run function. */
export function defineTask<Payload>(handler: TaskHandler<Payload>): TaskHandler<Payload> {
  return handler;
}
