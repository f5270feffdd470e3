import { mapWithConcurrency } from "../src/platform/index.js";
import { maintainPushChannels, pushEnabled } from "../src/calendars/index.js";
import type { Job, JobSummary } from "./job.js";

/** Renews push channels and subscriptions before they expire, and reopens lost ones. */
export const renewJob: Job = {
  name: "renew",
  description: "Renew Google watch channels and Graph subscriptions that expire soon; reopen missing ones",
  schedule: "17 * * * *",
  exclusive: true,
  async run({ db, push, config }): Promise<JobSummary> {
    if (!pushEnabled(config.publicUrl)) return { connections: 0, note: "push is off: PUBLIC_URL is not https" };
    const connections = await db.connection.findMany({ where: { status: "active", provider: { not: "sandbox" } }, select: { id: true } });
    const results = await mapWithConcurrency(connections, 8, ({ id }) => maintainPushChannels(id, push));
    const total = (key: "opened" | "renewed" | "failed") => results.reduce((sum, result) => sum + result[key], 0);
    return { connections: connections.length, opened: total("opened"), renewed: total("renewed"), failed: total("failed") };
  },
};
