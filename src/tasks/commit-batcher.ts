import pg from "pg";
import { errorMessage } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import { EffectConnection, type Tx } from "./effect-connection.js";
import { completeHeldTasks, failTask } from "./sql/finish-task.js";
import type { ClaimedTask } from "./task-row.js";

export type Effects = (tx: Tx) => Promise<void>;

/** The task's lease was gone at commit: another worker has it, and our effects were rolled back. */
export class LeaseLostError extends Error {}

/** One entry's effects threw: the group's transaction is rolled back without it and tried again. */
class EffectFailed extends Error {
  constructor(readonly index: number, override readonly cause: unknown) {
    super(errorMessage(cause));
  }
}

export interface Failure {
  error: string;
  retryAfterMs: number | null;
  permanent: boolean;
}

export type FailOutcome = "retry" | "failed" | "lost";

type Entry =
  | { type: "complete"; task: ClaimedTask; effects: Effects | undefined; resolve(): void; reject(error: unknown): void }
  | { type: "fail"; task: ClaimedTask; failure: Failure; gaveUp: Effects | undefined; resolve(outcome: FailOutcome): void; reject(error: unknown): void };

/** An entry's result, settled only once its transaction has committed (or rolled back). */
type Settle = () => void;

export interface CommitBatcherOptions {
  databaseUrl: string;
  workerId: string;
  now(): Date;
  log: Logger;
  /** transactions committing at once, each on its own connection */
  maxInFlight: number;
}

/**
 * The one commit path of every task: a handler's effects and the task's completion commit
 * in one transaction, and so does a failure with its handler's `gaveUp` effects.
 *
 * Group commit: while one transaction is in flight, the calls of the other workers queue up,
 * and the next transaction carries all of them: each task's effects, then one statement
 * marking the group done. An effect that throws fails only its task: the transaction is
 * rolled back and the others commit again without it. If a lease turned out to be gone,
 * the group is rolled back and each task committed on its own, so only that task learns it
 * lost.
 *
 * The transaction runs on connections this batcher owns, with plain BEGIN/COMMIT; effects
 * write through Prisma's typed API bound to that connection (EffectConnection).
 */
export class CommitBatcher {
  private readonly queue: Entry[] = [];
  private readonly idle: EffectConnection[] = [];
  private inFlight = 0;
  private pool: pg.Pool | undefined;
  /** handed over and not yet settled */
  pending = 0;

  constructor(private readonly options: CommitBatcherOptions) {}

  complete(task: ClaimedTask, effects: Effects | undefined): Promise<void> {
    return this.enqueue((resolve, reject) => ({ type: "complete", task, effects, resolve, reject }));
  }

  fail(task: ClaimedTask, failure: Failure, gaveUp: Effects | undefined): Promise<FailOutcome> {
    return this.enqueue<FailOutcome>((resolve, reject) => ({ type: "fail", task, failure, gaveUp, resolve, reject }));
  }

  async close(): Promise<void> {
    const connections = this.idle.splice(0);
    await Promise.all(connections.map((connection) => connection.close()));
    await this.pool?.end().catch(() => undefined);
    this.pool = undefined;
  }

  /** Autocommitted statements of the engine (claims aside) share the batcher's pool. */
  get sql(): pg.Pool {
    if (!this.pool) {
      this.pool = new pg.Pool({ connectionString: this.options.databaseUrl, max: this.options.maxInFlight + 2, idleTimeoutMillis: 0, allowExitOnIdle: true });
      this.pool.on("error", (error) => this.options.log.warn({ reason: errorMessage(error) }, "an idle task connection failed; the pool replaces it"));
    }
    return this.pool;
  }

  private enqueue<T = void>(make: (resolve: (value: T) => void, reject: (error: unknown) => void) => Entry): Promise<T> {
    this.pending += 1;
    return new Promise<T>((resolve, reject) => {
      this.queue.push(make(resolve, reject));
      this.drain();
    }).finally(() => {
      this.pending -= 1;
    });
  }

  private drain(): void {
    if (this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.inFlight += 1;
    // Workers that started in the same turn finish in the same turn: let all their calls
    // queue up before this commit takes them, or the first would go alone.
    setImmediate(() => {
      const group = this.queue.splice(0);
      void this.commitGroup(group).finally(() => {
        this.inFlight -= 1;
        this.drain();
      });
    });
  }

  private async commitGroup(group: readonly Entry[]): Promise<void> {
    if (group.length === 0) return;
    if (group.every((entry) => entry.type === "complete" && entry.effects === undefined)) return this.completeWithoutEffects(group);
    try {
      const settles = await this.transaction(group);
      for (const settle of settles) settle();
    } catch (error) {
      if (error instanceof EffectFailed && group.length > 1) {
        // Rolled back because one task's effects threw: that task fails, the others commit without it.
        group[error.index]!.reject(error.cause);
        return this.commitGroup(group.filter((_, index) => index !== error.index));
      }
      if (error instanceof LeaseLostError && group.length > 1) {
        // Rolled back because a lease was gone: each on its own learns what happened to it.
        for (const entry of group) await this.commitGroup([entry]);
        return;
      }
      for (const entry of group) entry.reject(error instanceof EffectFailed ? error.cause : error);
    }
  }

  /** No effects: one autocommitted statement, and each task learns whether it still held its lease. */
  private async completeWithoutEffects(group: readonly Entry[]): Promise<void> {
    try {
      const done = new Set(await completeHeldTasks(this.sql, { ids: group.map((entry) => entry.task.id), workerId: this.options.workerId, now: this.options.now() }));
      for (const entry of group) (done.has(entry.task.id) ? (entry as Extract<Entry, { type: "complete" }>).resolve() : entry.reject(new LeaseLostError()));
    } catch (error) {
      for (const entry of group) entry.reject(error);
    }
  }

  private async connection(): Promise<EffectConnection> {
    for (let idle = this.idle.pop(); idle; idle = this.idle.pop()) {
      if (!idle.failed) return idle;
      await idle.close(idle.failed);
    }
    return new EffectConnection(await this.sql.connect());
  }

  /**
   * One transaction for the group; returns how to settle each entry once it has committed.
   * Rolls back and throws EffectFailed if a task's effects threw, LeaseLostError if a
   * completing task's lease was gone. No savepoint per task on the way: a savepoint is a
   * round trip per task (half the throughput, bench/tasks.ts), and an effect that throws is
   * rare enough to pay for running the others' effects again in a new transaction.
   */
  private async transaction(group: readonly Entry[]): Promise<Settle[]> {
    const connection = await this.connection();
    const { client } = connection;
    const settles: Settle[] = [];
    const completing: Array<Extract<Entry, { type: "complete" }>> = [];
    let broken: Error | undefined;
    try {
      await client.query("begin");
      for (const [index, entry] of group.entries()) {
        if (entry.type === "complete") {
          if (entry.effects) {
            const effects = entry.effects;
            await connection.bind(() => effects(connection.tx)).catch((error: unknown) => {
              throw new EffectFailed(index, error);
            });
          }
          completing.push(entry);
        } else {
          settles.push(await this.recordFailure(connection, entry));
        }
      }
      if (completing.length > 0) {
        const ids = completing.map((entry) => entry.task.id);
        const held = await completeHeldTasks(client, { ids, workerId: this.options.workerId, now: this.options.now() });
        if (held.length !== ids.length) throw new LeaseLostError();
        for (const entry of completing) settles.push(() => entry.resolve());
      }
      await client.query("commit");
      this.idle.push(connection);
      return settles;
    } catch (error) {
      await client.query("rollback").catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      if (broken) await connection.close(broken);
      else this.idle.push(connection);
      throw error;
    }
  }

  /** Records a failed attempt; if that parks the task, its handler's `gaveUp` effects commit with it. */
  private async recordFailure(connection: EffectConnection, entry: Extract<Entry, { type: "fail" }>): Promise<Settle> {
    const { client } = connection;
    const outcome = await failTask(client, { id: entry.task.id, workerId: this.options.workerId, now: this.options.now(), ...entry.failure });
    if (outcome === "failed" && entry.gaveUp) {
      await client.query("savepoint gave_up");
      try {
        await connection.bind(() => entry.gaveUp!(connection.tx));
        await client.query("release savepoint gave_up");
      } catch (error) {
        // Parked all the same: a hook that cannot run must not keep a spent task alive.
        await client.query("rollback to savepoint gave_up");
        this.options.log.error({ taskId: entry.task.id, kind: entry.task.kind, reason: errorMessage(error) }, "the handler's gaveUp hook failed; the task is parked without it");
      }
    }
    return () => entry.resolve(outcome);
  }
}
