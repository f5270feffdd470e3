import type { Services } from "../src/app/index.js";
import type { TaskHandler } from "../src/tasks/index.js";

export const JOB_NAMES = ["sync", "renew", "detect", "tasks", "rekey"] as const;
export type JobName = (typeof JOB_NAMES)[number];

export type JobContext = Services & {
  /** aborted when the service shuts down: a long job stops between units of work */
  signal: AbortSignal;
  /** task handlers of the jobs themselves (SCHEDULED_JOB), for a runner started by a job */
  jobTaskHandlers?: readonly TaskHandler<unknown>[];
};

/** What a run did, in numbers, for the log line and the command line. */
export type JobSummary = Record<string, number | string>;

export interface Job {
  name: JobName;
  description: string;
  /** node-cron expression for the in-process schedule */
  schedule: string;
  /**
   * Whether two runs anywhere (a scheduled minute, a command-line run) must not overlap.
   * Exclusive jobs hold a PostgreSQL advisory lock while they run.
   */
  exclusive: boolean;
  /** the whole job, once: what `npm run job -- <name>` runs */
  run(context: JobContext): Promise<JobSummary>;
  /**
   * What a scheduled minute runs instead of `run`, when it differs: sync and renew queue one
   * task per connection (keyed by the minute, so instances agree) for the runner's workers.
   */
  scheduled?(context: JobContext, bucket: string): Promise<JobSummary>;
}
