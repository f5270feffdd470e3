import type { Job, JobContext, JobSummary } from "./job.js";

export type JobOutcome = { status: "done"; summary: JobSummary; durationMs: number } | { status: "skipped"; reason: string };

/**
 * Runs one job body, under its advisory lock when the job is exclusive. A scheduled run
 * (a SCHEDULED_JOB task) skips when another run holds the lock, as that run does the same
 * work; a command-line run waits for it.
 */
export async function runJob(job: Job, context: JobContext, options: { waitForLock: boolean; scheduled?: { bucket: string } }): Promise<JobOutcome> {
  const log = context.log.child({ job: job.name });
  const started = performance.now();
  const body = async () => {
    log.debug("job started");
    const { scheduled } = options;
    return scheduled && job.scheduled ? job.scheduled({ ...context, log }, scheduled.bucket) : job.run({ ...context, log });
  };
  if (!job.exclusive) {
    const summary = await body();
    return { status: "done", summary, durationMs: Math.round(performance.now() - started) };
  }
  const result = await context.locks.withLock(`makegood:job:${job.name}`, { wait: options.waitForLock }, body);
  if (!result.ran) return { status: "skipped", reason: "another run holds the job lock" };
  return { status: "done", summary: result.value, durationMs: Math.round(performance.now() - started) };
}
