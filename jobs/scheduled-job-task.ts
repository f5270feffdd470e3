import { z } from "zod";
import type { Database } from "../src/platform/index.js";
import { enqueueTasks } from "../src/tasks/index.js";
import { defineTask, type TaskHandler } from "../src/tasks/index.js";
import { JOB_NAMES, type Job, type JobContext, type JobName } from "./job.js";
import { runJob } from "./run-job.js";

export const SCHEDULED_JOB = "scheduled_job";

/**
 * The minute a cron tick belongs to, rounded to the nearest minute: node-cron fires at
 * second 0, and instances whose clocks differ by a few seconds must land in one bucket.
 */
export function scheduleBucket(at: Date): string {
  return new Date(Math.round(at.getTime() / 60_000) * 60_000).toISOString().slice(0, 16);
}

/** e.g. `sync:due:2026-12-03T10:05`: every instance's tick for that minute queues the same task, so it runs once. */
export function scheduledJobKey(name: JobName, bucket: string): string {
  return `${name}:due:${bucket}`;
}

/** What a cron tick does: queue the job's run for this minute, nothing more. */
export async function enqueueScheduledJob(db: Database, job: Job, at: Date): Promise<number> {
  const bucket = scheduleBucket(at);
  return enqueueTasks(db, [{ kind: SCHEDULED_JOB, payload: { job: job.name, bucket }, idempotencyKey: scheduledJobKey(job.name, bucket), dueAt: at, priority: 5, maxAttempts: 3 }]);
}

/**
 * Runs a scheduled job's queued minute: the job's `scheduled` step (sync and renew queue a
 * task per connection, so the runner's workers share the work) or its whole body.
 */
export function scheduledJobTask(jobs: Readonly<Record<JobName, Job>>, context: JobContext): TaskHandler<{ job: JobName; bucket: string }> {
  return defineTask({
    kind: SCHEDULED_JOB,
    payload: z.object({ job: z.enum(JOB_NAMES), bucket: z.string() }),
    // Detection over every watched meeting can take a while; the heartbeat keeps the lease.
    leaseMs: 30_000,
    async run({ job: name, bucket }, task) {
      const job = jobs[name];
      const outcome = await runJob(job, { ...context, log: task.log }, { waitForLock: false, scheduled: { bucket } });
      if (outcome.status === "done") task.log.info({ job: name, bucket, ...outcome.summary, durationMs: outcome.durationMs }, "scheduled job finished");
      else task.log.info({ job: name, bucket, reason: outcome.reason }, "scheduled job skipped");
    },
  });
}
