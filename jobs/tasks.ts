import { FINISHED_TASK_RETENTION_MS, purgeFinishedTasks } from "../src/tasks/index.js";
import { prismaSqlClient } from "../src/tasks/index.js";
import { TaskRunner } from "../src/tasks/index.js";
import type { Job } from "./job.js";

/**
 * Runs every task that is due now, from the command line (scheduled jobs' queued minutes
 * included). In the service the task runner works continuously (woken by LISTEN/NOTIFY),
 * so its scheduled minute only deletes finished tasks past their retention (a bounded batch).
 */
export const tasksJob: Job = {
  name: "tasks",
  description: "Run the tasks that are due in the task table, and purge finished ones older than a week",
  schedule: "* * * * *",
  // Claiming uses FOR UPDATE SKIP LOCKED, so any number of runs may overlap safely.
  exclusive: false,
  async run({ db, databaseUrl, taskHandlers, jobTaskHandlers, clock, log, config }) {
    const runner = new TaskRunner({ db, databaseUrl, handlers: [...taskHandlers, ...(jobTaskHandlers ?? [])], clock, log, concurrency: Math.max(1, config.workers) });
    const { ran } = await runner.drain();
    const purged = await purgeFinishedTasks(prismaSqlClient(db), { before: new Date(clock.now().getTime() - FINISHED_TASK_RETENTION_MS) });
    return { ran, purged };
  },
  /** In the service the runner works continuously: a scheduled minute only purges. */
  async scheduled({ db, clock }) {
    const purged = await purgeFinishedTasks(prismaSqlClient(db), { before: new Date(clock.now().getTime() - FINISHED_TASK_RETENTION_MS) });
    return { purged };
  },
};
