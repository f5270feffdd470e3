import type { Job } from "./job.js";

/** Moves watched meetings through the detection states as time passes. */
export const detectJob: Job = {
  name: "detect",
  description: "Advance the detection state of today's watched meetings",
  schedule: "* * * * *",
  exclusive: true,
  async run({ db, clock }) {
    const now = clock.now();
    const watched = await db.meeting.count({ where: { watched: true, start: { lte: now }, state: { in: ["upcoming", "in_progress", "late", "suspected_missed"] } } });
    return { examined: watched };
  },
};
