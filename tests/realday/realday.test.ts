import { beforeAll, describe, expect, it } from "vitest";
import { runDay, type DayRun } from "./run-day.js";
import { formatScore, scoreDay, TARGETS, type Score, type TargetId } from "./score.js";

/**
 * A realistic day for two new users (tests/realday/fixture.ts), the real service against the
 * provider emulator on a moved clock (run-day.ts), scored against the ground truth (score.ts).
 * The user never clicks anything: the worst case for questions.
 */
describe("a realistic day: a Google and a Microsoft salesperson, 39 meetings with ground truth", () => {
  let run: DayRun;
  let score: Score;

  beforeAll(async () => {
    run = await runDay();
    score = scoreDay(run);
    console.log([...formatScore(score), `(${run.stats.steps} steps, ${(run.stats.wallMs / 1000).toFixed(1)} s)`].join("\n"));
  }, 240_000);

  it("the service stored every meeting of the day and of the day before, and sent its alerts over SMTP", () => {
    const missing = run.meetings.filter((meeting) => meeting.meetingId === null).map((meeting) => meeting.key);
    expect(missing).toEqual([]);
    expect(run.users.every((user) => user.emails > 0)).toBe(true);
  });

  for (const [id, label] of Object.entries(TARGETS) as Array<[TargetId, string]>) {
    it(`target: ${label}`, () => {
      const target = score.targets.find((candidate) => candidate.id === id)!;
      expect(target.met, `${target.label}: ${target.detail}`).toBe(true);
    });
  }
});
