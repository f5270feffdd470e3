import { detectJob } from "./detect.js";
import { JOB_NAMES, type Job, type JobName } from "./job.js";
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

export function findJob(name: string): Job | undefined {
  return (JOB_NAMES as readonly string[]).includes(name) ? jobs[name as JobName] : undefined;
}
