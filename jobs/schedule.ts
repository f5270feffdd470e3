import cron, { type ScheduledTask } from "node-cron";
import { errorMessage } from "../src/platform/index.js";
import type { Job, JobContext } from "./job.js";
import { runJob } from "./run-job.js";

export interface Schedule {
  /** stops the timers, then waits for the runs in flight to finish */
  stop(): Promise<void>;
}

/** Schedules every job in-process with node-cron. Runs of one job never overlap in this process. */
export function startSchedule(jobList: readonly Job[], context: JobContext): Schedule {
  const inFlight = new Map<string, Promise<void>>();
  const tasks: ScheduledTask[] = jobList.map((job) =>
    cron.schedule(
      job.schedule,
      () => {
        if (inFlight.has(job.name) || context.signal.aborted) return;
        const run = runJob(job, context, { waitForLock: false })
          .then((outcome) => {
            if (outcome.status === "done") context.log.info({ job: job.name, ...outcome.summary, durationMs: outcome.durationMs }, "scheduled job finished");
            else context.log.debug({ job: job.name, reason: outcome.reason }, "scheduled job skipped");
          })
          .catch((error: unknown) => context.log.error({ job: job.name, err: error, reason: errorMessage(error) }, "scheduled job failed"))
          .finally(() => inFlight.delete(job.name));
        inFlight.set(job.name, run);
      },
      { name: job.name, noOverlap: true },
    ),
  );
  return {
    async stop() {
      await Promise.all(tasks.map((task) => task.stop()));
      await Promise.all(inFlight.values());
    },
  };
}
