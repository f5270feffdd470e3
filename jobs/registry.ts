import { detectJob } from "./detect.js";
import type { TaskHandler } from "../src/tasks/index.js";
import { JOB_NAMES, type Job, type JobContext, type JobName } from "./job.js";
import { scheduledJobTask } from "./scheduled-job-task.js";
import { rekeyJob } from "./rekey.js";
import { renewJob } from "./renew.js";
import { syncJob } from "./sync.js";
import { tasksJob } from "./tasks.js";

/** The one list of jobs, used by the cron schedule and by `npm run job -- <name>`. */
export const jobs: Record<JobName, Job> = {
  sync: syncJob,
  renew: renewJob,
  detect: detectJob,
  tasks: tasksJob,
  rekey: rekeyJob,
};

/** The context a runner needs for scheduled jobs: its SCHEDULED_JOB handler included. */
export function withJobTaskHandlers(context: JobContext): JobContext {
  const full: JobContext = { ...context };
  full.jobTaskHandlers = [scheduledJobTask(jobs, full) as TaskHandler<unknown>];
  return full;
}

export function findJob(name: string): Job | undefined {
  return (JOB_NAMES as readonly string[]).includes(name) ? jobs[name as JobName] : undefined;
}
