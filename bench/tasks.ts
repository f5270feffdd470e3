/**
 * `npm run bench -- tasks` (or `node --import tsx bench/tasks.ts`): our task table against
 * graphile-worker and pg-boss on one throwaway PostgreSQL, in one run, side by side.
 *
 * - Throughput: 20,000 tasks enqueued in bulk with each system's bulk API while no worker
 *   runs, then 4 concurrent workers start; the clock runs from their start until the
 *   database shows every task done.
 * - Latency: with the same workers idle, 200 tasks enqueued one at a time every 20 ms; the
 *   payload carries `performance.now()` taken just before the enqueue call, the handler
 *   takes it again when it starts (same process, same clock).
 *
 * Every system's handler writes the same one row per task (`bench_effects`, keyed by task).
 * Ours commits it through the production commit path (`context.finish(tx => …)`, Prisma's
 * `tx.$executeRaw` on the batcher's connection) in the transaction that marks the task done;
 * graphile-worker writes it with `helpers.query` and pg-boss with its own pool, each in a
 * transaction of its own before the job is completed. graphile-worker runs twice: with its
 * documented tuning (`localQueue.size` 100, `completeJobBatchDelay` and `failJobBatchDelay`
 * 0) and with its defaults; the ratio printed is to the tuned one.
 *
 * Flags: `--tasks N` (bulk size), `--latency N` (latency samples), `--systems a,b`
 * (subset, by the names printed in the table).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { z } from "zod";
import { createPrismaClient, type Database } from "../src/platform/db/client.js";
import { migrateDatabase } from "../src/platform/db/migrate.js";
import { systemClock } from "../src/platform/clock.js";
import { createLogger, type Logger } from "../src/platform/logger.js";
import { enqueueTasks, type NewTask } from "../src/tasks/sql/enqueue-task.js";
import { DEFAULT_LEASE_MS, defineTask } from "../src/tasks/task-handler.js";
import { TaskRunner } from "../src/tasks/task-runner.js";
import { startPostgresServer } from "../tests/support/postgres-server.js";

// ---------------------------------------------------------------------------------------
// The set-up, the same for every system.

const WORKERS = 4;
/** node-postgres', graphile-worker's and pg-boss' default pool size; ours is set to match. */
const POOL_SIZE = 10;
const BULK_CHUNK = 2_000;
const LATENCY_GAP_MS = 20;
/** how long the workers sit idle between the throughput and the latency phase */
const IDLE_BEFORE_LATENCY_MS = 1_000;
/** pg-boss with its defaults runs ~2 tasks/s: 20,000 would take hours, so runs are capped */
const THROUGHPUT_CAP_MS = 120_000;
const LATENCY_WAIT_CAP_MS = 30_000;

const COMPETITORS_DIR = fileURLToPath(new URL("./competitors/", import.meta.url));

interface BenchOptions {
  tasks: number;
  latencySamples: number;
  systems: readonly string[] | undefined;
  /** ANALYZE every database between the phases (as autovacuum would in a minute) */
  analyze: boolean;
}

/** What each system reports to the benchmark from inside its handler. */
interface Probe {
  /** handler started; `t` is the enqueue timestamp for latency tasks */
  started(payload: unknown): void;
  /** handler returned (for ours: after its effects and completion committed) */
  ended(): void;
}

/** One queue under test: the benchmark drives every system through this. */
interface QueueUnderTest {
  name: string;
  settings: Record<string, string | number | boolean>;
  /** enqueues `count` tasks with the system's bulk API, workers not running */
  enqueueBulk(count: number): Promise<void>;
  startWorkers(probe: Probe): Promise<void>;
  /** enqueues one task with the system's single-task API */
  enqueueOne(payload: { i: number; t: number }): Promise<void>;
  /** how many tasks the database still holds unfinished */
  pending(): Promise<number>;
  /** drops every task not yet started (only used after a capped throughput run) */
  discardQueued(): Promise<void>;
  /** refreshes the planner's statistics of this system's database */
  analyze(): Promise<void>;
  stop(): Promise<void>;
}

const latencyPayload = z.object({ t: z.number() });
const countRow = z.object({ n: z.coerce.number() });

async function countQuery(pool: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query(sql, values);
  return countRow.parse(rows[0]).n;
}

// ---------------------------------------------------------------------------------------
// Ours.

const BENCH_KIND = "bench_noop";

/** Our runner, its handler committing through `finish`, the path every production handler uses. */
async function ourQueue(url: string, log: Logger): Promise<QueueUnderTest> {
  await migrateDatabase(url, log);
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  // What enqueues, as graphile-worker's and pg-boss' own pools do: the same pool size.
  const enqueuer = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  // The handler's domain effect: one row per task, keyed by task so a second run is harmless.
  await createEffectsTable(admin);
  const db: Database = createPrismaClient(url, { maxConnections: POOL_SIZE });
  const leaseMs = DEFAULT_LEASE_MS;
  const pollMs = 5_000;
  let runner: TaskRunner | undefined;
  const newTask = (i: number, payload: Record<string, number>, prefix: string): NewTask => ({
    kind: BENCH_KIND,
    payload,
    idempotencyKey: `${prefix}:${i}`,
    dueAt: systemClock.now(),
  });
  return {
    name: "ours (production commit path)",
    settings: {
      concurrency: WORKERS,
      "runner pool max": "4 commit connections + 2 (+ 1 claim connection, + LISTEN connection)", "commits in flight": "4 (default)",
      "Prisma pool max": POOL_SIZE,
      leaseMs: `${leaseMs} (default, heartbeat every ${Math.round(leaseMs / 3)} ms)`,
      pollMs,
      "claimAheadMs / maxClaimAhead": "200 / 100 (defaults)",
      commits: "group commit (CommitBatcher; no savepoint per task)",
      "bulk API": `enqueueTasks on a pg pool, ${BULK_CHUNK}/statement`,
      "single API": "enqueueTasks on a pg pool (one statement)",
      effect: "insert into bench_effects in the completing transaction, via finish(tx => tx.$executeRaw…)",
    },
    async enqueueBulk(count) {
      for (let from = 0; from < count; from += BULK_CHUNK) {
        const chunk = Array.from({ length: Math.min(BULK_CHUNK, count - from) }, (_, k) => newTask(from + k, { i: from + k }, "bulk"));
        await enqueueTasks(enqueuer, chunk);
      }
    },
    async startWorkers(probe) {
      const handler = defineTask({
        kind: BENCH_KIND,
        payload: z.object({ i: z.number(), t: z.number().optional() }),
        run: async (payload, context) => {
          probe.started(payload);
          await context.finish(async (tx) => {
            await tx.$executeRaw`insert into bench_effects (task_id) values (${context.task.id}) on conflict do nothing`;
          });
          probe.ended();
        },
      });
      runner = new TaskRunner({ db, databaseUrl: url, handlers: [handler], clock: systemClock, log, concurrency: WORKERS, leaseMs, pollMs });
      await runner.start();
    },
    async enqueueOne(payload) {
      await enqueueTasks(enqueuer, [newTask(payload.i, payload, "latency")]);
    },
    async pending() {
      const open = await countQuery(admin, "select count(*) as n from tasks where status <> 'done'");
      const effects = await countQuery(admin, "select count(*) as n from bench_effects");
      const done = await countQuery(admin, "select count(*) as n from tasks where status = 'done'");
      if (effects !== done) throw new Error(`${done} tasks done but ${effects} effects committed`);
      return open;
    },
    async discardQueued() {
      await admin.query("delete from tasks where status = 'queued'");
    },
    analyze: async () => void (await admin.query("analyze")),
    async stop() {
      await runner?.stop(5_000);
      await db.$disconnect();
      await enqueuer.end();
      await admin.end();
    },
  };
}

/** The one row each system's handler writes per task, keyed by task so a second run is harmless. */
async function createEffectsTable(admin: pg.Pool): Promise<void> {
  await admin.query("create table bench_effects (task_id text primary key, done_at timestamptz not null default now())");
}

const INSERT_EFFECT = "insert into bench_effects (task_id) values ($1) on conflict do nothing";

// ---------------------------------------------------------------------------------------
// graphile-worker, typed here (its package lives in bench/competitors, installed on demand).

interface GraphileJobSpec {
  identifier: string;
  payload: unknown;
}
interface GraphileWorkerUtils {
  migrate(): Promise<void>;
  addJob(identifier: string, payload: unknown): Promise<unknown>;
  addJobs(specs: readonly GraphileJobSpec[]): Promise<unknown>;
  release(): Promise<void>;
}
interface GraphileRunner {
  stop(): Promise<void>;
  promise: Promise<void>;
}
interface GraphileHelpers {
  job: { id: string };
  query(text: string, values: unknown[]): Promise<unknown>;
}
interface GraphileRunOptions {
  preset?: { worker: { localQueue: { size: number }; completeJobBatchDelay: number; failJobBatchDelay: number } };
  connectionString: string;
  concurrency: number;
  maxPoolSize: number;
  pollInterval: number;
  noHandleSignals: boolean;
  logger: unknown;
  taskList: Record<string, (payload: unknown, helpers: GraphileHelpers) => Promise<void>>;
}
interface GraphileWorkerModule {
  run(options: GraphileRunOptions): Promise<GraphileRunner>;
  makeWorkerUtils(options: { connectionString: string; maxPoolSize: number; logger: unknown }): Promise<GraphileWorkerUtils>;
  Logger: new (factory: (scope: unknown) => (level: string, message: string) => void) => unknown;
}

/** graphile-worker's documented tuning for throughput (worker.graphile.org/docs/performance#batching). */
const GRAPHILE_TUNING = { localQueue: { size: 100 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 };

async function graphileQueue(url: string, require: NodeRequire, tuned: boolean): Promise<QueueUnderTest> {
  const graphile = require("graphile-worker") as GraphileWorkerModule;
  const version = (require("graphile-worker/package.json") as { version: string }).version;
  // Warnings and errors only, as our runner logs at "warn".
  const logger = new graphile.Logger(() => (level, message) => void (level === "error" || level === "warning" ? process.stderr.write(`graphile-worker ${level}: ${message}\n`) : undefined));
  const utils = await graphile.makeWorkerUtils({ connectionString: url, maxPoolSize: 2, logger });
  await utils.migrate();
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  await createEffectsTable(admin);
  const pollInterval = 2_000;
  let runner: GraphileRunner | undefined;
  return {
    name: `graphile-worker ${version} (${tuned ? "tuned" : "defaults"})`,
    settings: {
      concurrency: WORKERS,
      maxPoolSize: POOL_SIZE,
      pollInterval: `${pollInterval} (default)`,
      noHandleSignals: true,
      "localQueue / batch completion": tuned ? "localQueue.size 100, completeJobBatchDelay 0, failJobBatchDelay 0" : "off (defaults)",
      "bulk API": `addJobs, ${BULK_CHUNK}/call`,
      "single API": "addJob",
      effect: "insert into bench_effects with helpers.query (autocommitted, before complete_job)",
    },
    async enqueueBulk(count) {
      for (let from = 0; from < count; from += BULK_CHUNK) {
        await utils.addJobs(Array.from({ length: Math.min(BULK_CHUNK, count - from) }, (_, k) => ({ identifier: "bench", payload: { i: from + k } })));
      }
    },
    async startWorkers(probe) {
      runner = await graphile.run({
        ...(tuned ? { preset: { worker: GRAPHILE_TUNING } } : {}),
        connectionString: url,
        concurrency: WORKERS,
        maxPoolSize: POOL_SIZE,
        pollInterval,
        noHandleSignals: true,
        logger,
        taskList: {
          bench: async (payload, helpers) => {
            probe.started(payload);
            await helpers.query(INSERT_EFFECT, [helpers.job.id]);
            probe.ended();
          },
        },
      });
    },
    async enqueueOne(payload) {
      await utils.addJob("bench", payload);
    },
    // A finished job is deleted from the table.
    pending: () => countQuery(admin, "select count(*) as n from graphile_worker._private_jobs"),
    async discardQueued() {
      await admin.query("delete from graphile_worker._private_jobs where locked_at is null");
    },
    analyze: async () => void (await admin.query("analyze")),
    async stop() {
      await runner?.stop();
      await utils.release();
      await admin.end();
    },
  };
}

// ---------------------------------------------------------------------------------------
// pg-boss, typed here likewise.

interface PgBossJob {
  id: string;
  data: unknown;
}
interface PgBossInstance {
  on(event: "error", handler: (error: Error) => void): unknown;
  start(): Promise<unknown>;
  stop(options: { graceful: boolean; wait: boolean; timeout: number }): Promise<void>;
  createQueue(name: string): Promise<void>;
  insert(jobs: ReadonlyArray<{ name: string; data: object }>): Promise<void>;
  send(name: string, data: object): Promise<string | null>;
  work(name: string, options: { batchSize: number }, handler: (jobs: PgBossJob[]) => Promise<void>): Promise<string>;
}
type PgBossConstructor = new (options: { connectionString: string; max: number; schema: string }) => PgBossInstance;

async function pgBossQueue(url: string, require: NodeRequire, batchSize: number | undefined): Promise<QueueUnderTest> {
  const PgBoss = require("pg-boss") as PgBossConstructor;
  const version = (require("pg-boss/package.json") as { version: string }).version;
  const boss = new PgBoss({ connectionString: url, max: POOL_SIZE, schema: "pgboss" });
  boss.on("error", (error) => process.stderr.write(`pg-boss error: ${error.message}\n`));
  await boss.start();
  const queue = "bench";
  await boss.createQueue(queue);
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  await createEffectsTable(admin);
  // pg-boss hands its handler no connection: the effect goes through a pool of the same size.
  const effects = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  return {
    name: `pg-boss ${version}${batchSize === undefined ? " (defaults)" : ` (batchSize ${batchSize})`}`,
    settings: {
      workers: `${WORKERS} × work() (v10 has no teamSize)`,
      max: POOL_SIZE,
      batchSize: batchSize ?? "1 (default)",
      pollingIntervalSeconds: "2 (default; v10 has no newJobCheckInterval and no LISTEN/NOTIFY)",
      "bulk API": `insert, ${BULK_CHUNK}/call`,
      "single API": "send",
      effect: "insert into bench_effects on a pg pool (autocommitted, before the job completes)",
    },
    async enqueueBulk(count) {
      for (let from = 0; from < count; from += BULK_CHUNK) {
        await boss.insert(Array.from({ length: Math.min(BULK_CHUNK, count - from) }, (_, k) => ({ name: queue, data: { i: from + k } })));
      }
    },
    async startWorkers(probe) {
      for (let worker = 0; worker < WORKERS; worker += 1) {
        await boss.work(queue, { batchSize: batchSize ?? 1 }, async (jobs) => {
          for (const job of jobs) probe.started(job.data);
          for (const job of jobs) {
            await effects.query(INSERT_EFFECT, [job.id]);
            probe.ended();
          }
        });
      }
    },
    async enqueueOne(payload) {
      await boss.send(queue, payload);
    },
    pending: () => countQuery(admin, "select count(*) as n from pgboss.job where name = $1 and state <> 'completed'", [queue]),
    async discardQueued() {
      await admin.query("delete from pgboss.job where name = $1 and state = 'created'", [queue]);
    },
    analyze: async () => void (await admin.query("analyze")),
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 5_000 });
      await effects.end();
      await admin.end();
    },
  };
}

// ---------------------------------------------------------------------------------------
// Measuring.

interface Throughput {
  tasks: number;
  done: number;
  seconds: number;
  perSecond: number;
  enqueueSeconds: number;
  capped: boolean;
  /** CPU per task during the run, µs: this process (the queue's client side) and the PostgreSQL server */
  cpuUsPerTask: { node: number; postgres: number };
}

interface Latency {
  samples: number;
  started: number;
  p50: number;
  p99: number;
  max: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `check` is true, checking every `everyMs`, or false at `deadline`. */
async function until(check: () => boolean | Promise<boolean>, deadline: number, everyMs: number): Promise<boolean> {
  for (;;) {
    if (await check()) return true;
    if (performance.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

/** Nearest-rank percentile; a sample that never started counts as infinitely late. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * CPU time of the PostgreSQL server's processes (postmaster's children), in ms, from /proc:
 * with other work on the machine, tasks/s moves with the load, CPU per task much less.
 */
function postgresCpu(postmasterPid: number | undefined): Map<number, number> {
  const ticks = new Map<number, number>();
  if (postmasterPid === undefined) return ticks;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15).
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pid = Number(entry);
      if (Number(fields[1]) !== postmasterPid && pid !== postmasterPid) continue;
      ticks.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}
const CLOCK_TICKS = 100;

function cpuSince(before: { node: NodeJS.CpuUsage; postgres: Map<number, number> }, postmasterPid: number | undefined): { nodeMs: number; postgresMs: number } {
  const node = process.cpuUsage(before.node);
  let postgresMs = 0;
  for (const [pid, ms] of postgresCpu(postmasterPid)) postgresMs += ms - (before.postgres.get(pid) ?? 0);
  return { nodeMs: (node.user + node.system) / 1000, postgresMs };
}

async function measure(queue: QueueUnderTest, options: BenchOptions, postmasterPid: number | undefined): Promise<{ throughput: Throughput; latency: Latency }> {
  let handlerEnds = 0;
  const delays: number[] = [];
  const probe: Probe = {
    started(payload) {
      const now = performance.now();
      const parsed = latencyPayload.safeParse(payload);
      if (parsed.success) delays.push(now - parsed.data.t);
    },
    ended() {
      handlerEnds += 1;
    },
  };

  const enqueueStart = performance.now();
  await queue.enqueueBulk(options.tasks);
  const enqueueSeconds = (performance.now() - enqueueStart) / 1000;

  const cpuBefore = { node: process.cpuUsage(), postgres: postgresCpu(postmasterPid) };
  const start = performance.now();
  await queue.startWorkers(probe);
  const deadline = start + THROUGHPUT_CAP_MS;
  // Cheap in-process check first, then the database, which has the last word.
  await until(() => handlerEnds >= options.tasks, deadline, 5);
  const finished = await until(async () => (await queue.pending()) === 0, deadline, 5);
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSince(cpuBefore, postmasterPid);
  const done = options.tasks - (finished ? 0 : await queue.pending());
  if (!finished) await queue.discardQueued();
  const throughput: Throughput = { tasks: options.tasks, done, seconds, perSecond: done / seconds, enqueueSeconds, capped: !finished, cpuUsPerTask: { node: (cpu.nodeMs * 1000) / Math.max(done, 1), postgres: (cpu.postgresMs * 1000) / Math.max(done, 1) } };

  // A capped run may leave a few tasks running: let them end before timing anything.
  await until(async () => (await queue.pending()) === 0, performance.now() + 10_000, 50);
  // 20,000 rows just changed state; autovacuum would re-analyze within its naptime (1 min),
  // we do it at once, for every system alike, so the idle phase sees steady-state plans.
  if (options.analyze) await queue.analyze();
  await sleep(IDLE_BEFORE_LATENCY_MS);
  let next = performance.now();
  for (let i = 0; i < options.latencySamples; i += 1) {
    await queue.enqueueOne({ i, t: performance.now() });
    next += LATENCY_GAP_MS;
    await sleep(Math.max(0, next - performance.now()));
  }
  await until(() => delays.length >= options.latencySamples, performance.now() + LATENCY_WAIT_CAP_MS, 10);
  const sorted = [...delays].sort((a, b) => a - b);
  while (sorted.length < options.latencySamples) sorted.push(Number.POSITIVE_INFINITY);
  const latency: Latency = { samples: options.latencySamples, started: delays.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN };
  return { throughput, latency };
}

// ---------------------------------------------------------------------------------------
// Set-up and report.

function ensureCompetitors(): void {
  const installed = ["graphile-worker", "pg-boss"].every((name) => existsSync(`${COMPETITORS_DIR}node_modules/${name}/package.json`));
  if (installed) return;
  process.stdout.write("installing the competitors (npm ci --prefix bench/competitors)…\n");
  const result = spawnSync("npm", ["ci", "--prefix", COMPETITORS_DIR, "--ignore-scripts", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`npm ci --prefix bench/competitors failed (exit ${result.status ?? result.signal})`);
}

function parseOptions(argv: readonly string[]): BenchOptions {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const positive = z.coerce.number().int().positive();
  return {
    tasks: positive.parse(value("--tasks") ?? 20_000),
    latencySamples: positive.parse(value("--latency") ?? 200),
    systems: value("--systems")?.split(","),
    analyze: !argv.includes("--no-analyze"),
  };
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : `> ${LATENCY_WAIT_CAP_MS / 1000} s`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  return [line(rows[0]!), widths.map((width) => "-".repeat(width)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

export default async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const options = parseOptions(argv);
  ensureCompetitors();
  const require = createRequire(COMPETITORS_DIR);
  const log = createLogger("warn");
  const server = await startPostgresServer();
  try {
    const adminPool = new pg.Pool({ connectionString: server.adminUrl, max: 1 });
    const serverVersion = z.object({ server_version: z.string() }).parse((await adminPool.query("show server_version")).rows[0]).server_version;
    const dataDirectory = z.object({ data_directory: z.string() }).parse((await adminPool.query("show data_directory")).rows[0]).data_directory;
    const postmasterPid = await readFile(`${dataDirectory}/postmaster.pid`, "utf8").then((text) => Number(text.split("\n")[0]), () => undefined);
    const urlFor = async (database: string) => {
      await adminPool.query(`create database ${database}`);
      const url = new URL(server.adminUrl);
      url.pathname = `/${database}`;
      return url.toString();
    };
    const systems: Array<{ key: string; open: () => Promise<QueueUnderTest> }> = [
      { key: "ours", open: async () => ourQueue(await urlFor("bench_ours"), log) },
      { key: "graphile-worker", open: async () => graphileQueue(await urlFor("bench_graphile"), require, true) },
      { key: "graphile-worker-defaults", open: async () => graphileQueue(await urlFor("bench_graphile_defaults"), require, false) },
      { key: "pg-boss", open: async () => pgBossQueue(await urlFor("bench_pgboss"), require, undefined) },
      { key: "pg-boss-batch", open: async () => pgBossQueue(await urlFor("bench_pgboss_batch"), require, 100) },
    ];
    const results: Array<{ queue: QueueUnderTest; key: string; throughput: Throughput; latency: Latency }> = [];
    for (const system of systems) {
      if (options.systems && !options.systems.includes(system.key)) continue;
      process.stdout.write(`${system.key}: running…\n`);
      const queue = await system.open();
      try {
        results.push({ queue, key: system.key, ...(await measure(queue, options, postmasterPid)) });
      } finally {
        await queue.stop();
      }
      const last = results[results.length - 1]!;
      process.stdout.write(`${system.key}: ${last.throughput.perSecond.toFixed(0)} tasks/s, p50 ${ms(last.latency.p50)}, p99 ${ms(last.latency.p99)}\n`);
    }
    await adminPool.end();

    const cpus = os.cpus();
    const out: string[] = [];
    out.push("", `Task queues on one PostgreSQL — ${new Date().toISOString().slice(0, 10)}`);
    out.push(`machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${serverVersion} (${server.binaries.source}; fsync=off, synchronous_commit=off)`);
    out.push(`throughput: ${options.tasks.toLocaleString("en")} tasks enqueued in bulk, then ${WORKERS} workers until all done; latency: ${options.latencySamples} tasks one at a time every ${LATENCY_GAP_MS} ms to idle workers, enqueue → handler start${options.analyze ? "; ANALYZE in each database between the phases" : "; no ANALYZE between the phases"}`, "");
    const graphile = results.find((result) => result.key === "graphile-worker");
    const rows = [["system", "tasks/s", "× tuned gw", "CPU µs/task (node + pg)", "run", "bulk enqueue", "p50", "p99", "max"]];
    for (const { queue, throughput, latency } of results) {
      rows.push([
        queue.name,
        throughput.perSecond.toFixed(0),
        graphile ? (throughput.perSecond / graphile.throughput.perSecond).toFixed(2) : "–",
        `${throughput.cpuUsPerTask.node.toFixed(0)} + ${throughput.cpuUsPerTask.postgres.toFixed(0)}`,
        `${throughput.seconds.toFixed(2)} s${throughput.capped ? ` (capped: ${throughput.done}/${throughput.tasks} done)` : ""}`,
        `${throughput.enqueueSeconds.toFixed(2)} s`,
        ms(latency.p50),
        ms(latency.p99),
        `${ms(latency.max)}${latency.started < latency.samples ? ` (${latency.started}/${latency.samples} started)` : ""}`,
      ]);
    }
    out.push(table(rows), "");
    const ours = results.find((result) => result.key === "ours");
    if (ours) {
      if (graphile) {
        const ratio = ours.throughput.perSecond / graphile.throughput.perSecond;
        out.push(`ours / tuned graphile-worker throughput: ${ratio.toFixed(2)} (target ≥ 1.0: ${ratio >= 1 ? "met" : "MISSED"})`);
        out.push(`ours / tuned graphile-worker latency: p50 ${(ours.latency.p50 / graphile.latency.p50).toFixed(2)}, p99 ${(ours.latency.p99 / graphile.latency.p99).toFixed(2)}, max ${(ours.latency.max / graphile.latency.max).toFixed(2)}`);
      }
      for (const other of results.filter((result) => result.key.startsWith("pg-boss"))) {
        out.push(`ours / ${other.queue.name} throughput: ${(ours.throughput.perSecond / other.throughput.perSecond).toFixed(1)}`);
      }
      out.push(`ours p50 ${ms(ours.latency.p50)} (target ≤ 2 ms: ${ours.latency.p50 <= 2 ? "met" : "MISSED"}), p99 ${ms(ours.latency.p99)} (target ≤ 10 ms: ${ours.latency.p99 <= 10 ? "met" : "MISSED"})`);
    }
    out.push("", "settings:");
    for (const { queue } of results) out.push(`  ${queue.name}: ${Object.entries(queue.settings).map(([key, value]) => `${key} ${value}`).join("; ")}`);
    process.stdout.write(`${out.join("\n")}\n`);
  } finally {
    await server.stop();
  }
}

// Run when executed directly (`node --import tsx bench/tasks.ts`); the dispatcher imports and calls main.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
