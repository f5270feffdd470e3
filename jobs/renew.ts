import { mapWithConcurrency } from "../src/platform/index.js";
import { maintainPushChannels, pushEnabled } from "../src/calendars/index.js";
import { requestPushMaintenance } from "../src/calendars/index.js";
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
  /** A scheduled hour queues one push-maintenance task per connection, keyed by the minute. */
  async scheduled({ db, clock, config }, bucket): Promise<JobSummary> {
    if (!pushEnabled(config.publicUrl)) return { connections: 0, note: "push is off: PUBLIC_URL is not https" };
    const now = clock.now();
    const connections = await db.connection.findMany({ where: { status: "active", provider: { not: "sandbox" } }, select: { id: true } });
    let queued = 0;
    await db.$transaction(async (tx) => {
      for (const { id } of connections) queued += await requestPushMaintenance(tx, id, `due:${bucket}`, now);
    });
    return { connections: connections.length, queued };
  },
};
