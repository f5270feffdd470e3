import type { Job } from "./job.js";

/** Renews push channels and subscriptions before they expire. */
export const renewJob: Job = {
  name: "renew",
  description: "Renew Google watch channels and Graph subscriptions that expire soon",
  schedule: "17 * * * *",
  exclusive: true,
  async run({ db, clock }) {
    const soon = new Date(clock.now().getTime() + 24 * 60 * 60 * 1000);
    const expiring = await db.pushChannel.count({ where: { stoppedAt: null, expiresAt: { lt: soon } } });
    return { expiring };
  },
};
