import { FINISHED_TASK_RETENTION_MS, purgeFinishedTasks } from "../src/tasks/index.js";
import { prismaSqlClient } from "../src/tasks/index.js";
import { TaskRunner } from "../src/tasks/index.js";
import type { Job } from "./job.js";

/**
 * Runs every task that is due now. In the service the task runner already works
 * continuously (woken by LISTEN/NOTIFY); this tick is the safety net, and the way to run
 * the queue once from the command line. It also deletes finished tasks past their retention
 * (a bounded batch per tick).
 */
export const tasksJob: Job = {
  name: "tasks",
  description: "Run the tasks that are due in the task table, and purge finished ones older than a week",
  schedule: "* * * * *",
  // Claiming uses FOR UPDATE SKIP LOCKED, so any number of runs may overlap safely.
  exclusive: false,
  async run({ db, databaseUrl, taskHandlers, clock, log, config }) {
    const runner = new TaskRunner({ db, databaseUrl, handlers: taskHandlers, clock, log, concurrency: Math.max(1, config.workers) });
    const { ran } = await runner.drain();
    const purged = await purgeFinishedTasks(prismaSqlClient(db), { before: new Date(clock.now().getTime() - FINISHED_TASK_RETENTION_MS) });
    return { ran, purged };
  },
};
