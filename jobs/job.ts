import type { Services } from "../src/app/index.js";

export const JOB_NAMES = ["sync", "renew", "detect", "tasks", "rekey"] as const;
export type JobName = (typeof JOB_NAMES)[number];

export type JobContext = Services & {
  /** aborted when the service shuts down: a long job stops between units of work */
  signal: AbortSignal;
};

/** What a run did, in numbers, for the log line and the command line. */
export type JobSummary = Record<string, number | string>;

export interface Job {
  name: JobName;
  description: string;
  /** node-cron expression for the in-process schedule */
  schedule: string;
  /**
   * Whether two runs anywhere (another instance, a command-line run) must not overlap.
   * Exclusive jobs hold a PostgreSQL advisory lock while they run.
   */
  exclusive: boolean;
  run(context: JobContext): Promise<JobSummary>;
}
