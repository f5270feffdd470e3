/**
 * A worker process for the multi-process tests: a real TaskRunner on DATABASE_URL whose
 * handlers record each run in `task_runs` (in the task's own transaction) or hang.
 */
import { z } from "zod";
import { createPrismaClient } from "../../src/platform/db/client.js";
import { systemClock } from "../../src/platform/clock.js";
import { createLogger } from "../../src/platform/logger.js";
import { defineTask } from "../../src/tasks/task-handler.js";
import { TaskRunner } from "../../src/tasks/task-runner.js";

const url = process.env["DATABASE_URL"]!;
const name = process.env["WORKER_NAME"] ?? "worker";
const db = createPrismaClient(url);
const runner = new TaskRunner({
  db,
  databaseUrl: url,
  clock: systemClock,
  log: createLogger("warn"),
  concurrency: Number(process.env["CONCURRENCY"] ?? "2"),
  pollMs: Number(process.env["POLL_MS"] ?? "200"),
  // Unset: the engine's default lease (DEFAULT_LEASE_MS), as production runs.
  ...(process.env["LEASE_MS"] ? { leaseMs: Number(process.env["LEASE_MS"]) } : {}),
  handlers: [
    defineTask({
      kind: "record_run",
      payload: z.object({ n: z.number() }),
      run: async ({ n }, context) => context.finish((tx) => tx.$executeRaw`insert into task_runs (n, worker) values (${n}, ${name})`.then(() => undefined)),
    }),
    defineTask({
      kind: "hang",
      payload: z.object({ n: z.number() }),
      run: async () => {
        process.stdout.write("hanging\n");
        await new Promise(() => undefined);
      },
    }),
  ],
});
await runner.start();
process.stdout.write("ready\n");
process.on("SIGTERM", () => void runner.stop(2000).then(() => db.$disconnect()).then(() => process.exit(0)));
