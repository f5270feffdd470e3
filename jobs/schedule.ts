import cron, { type ScheduledTask } from "node-cron";
import { errorMessage } from "../src/platform/index.js";
import type { Job, JobContext } from "./job.js";
import { runJob } from "./run-job.js";
import type { Database } from "../src/platform/index.js";
import type { Clock } from "../src/platform/index.js";
import type { Logger } from "../src/platform/index.js";
import { enqueueScheduledJob } from "./scheduled-job-task.js";

export interface Schedule {
  /** stops the timers */
  stop(): Promise<void>;
}

/**
 * Schedules every job in-process with node-cron. A tick only queues the job's run for its
 * minute (enqueueScheduledJob), keyed by job and minute: any number of instances can run
 * this schedule, each minute's run is queued once and run once, by whichever worker claims
 * it. The work itself runs as tasks, never in the cron callback.
 */
export function startSchedule(jobList: readonly Job[], context: { db: Database; clock: Clock; log: Logger; signal: AbortSignal }): Schedule {
  const tasks: ScheduledTask[] = jobList.map((job) =>
    cron.schedule(
      job.schedule,
      () => {
        if (context.signal.aborted) return;
        void enqueueScheduledJob(context.db, job, context.clock.now()).then(
          (queued) => context.log.debug({ job: job.name, queued }, "scheduled job queued"),
          (error: unknown) => context.log.error({ job: job.name, err: error, reason: errorMessage(error) }, "could not queue a scheduled job"),
        );
      },
      { name: job.name },
    ),
  );
  return {
    async stop() {
      await Promise.all(tasks.map((task) => task.stop()));
    },
  };
}
