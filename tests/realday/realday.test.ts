import { beforeAll, describe, expect, it } from "vitest";
import { runDay, type DayRun } from "./run-day.js";
import { formatScore, scoreDay, TARGETS, type Score, type TargetId } from "./score.js";

/**
 * Targets the detection rewrite (in progress elsewhere) is meant to meet, that today's code does
 * not. Each is asserted as it should be and marked `it.fails` while listed here, so the suite
 * stays green today and tells us (by failing) the moment one starts to pass: then remove it.
 * Today (never_clicks): 18/29 = 62.1% of attended meetings questioned one by one; 0/3
 * check-in-only missed meetings in a digest (there is no digest); 2 wrongly-late alerts on the
 * user's own Teams meetings (the report comes after the end, and presence is not wired yet);
 * 4 emails on first connect (about Monday's meetings). See bench/realday.ts for the table.
 * Measured on this branch merged with main at 2cde455 (the detection rewrite): those four pass,
 * and "every late meeting with a signal alerted" fails (m04, Tom's own Teams meeting joined 8
 * minutes late: no live signal until presence is wired, so no "running late?").
 */
export const EXPECTED_FAILING_TODAY: ReadonlySet<TargetId> = new Set<TargetId>([]);

/**
 * A realistic day for two new users (tests/realday/fixture.ts), the real service against the
 * provider emulator on a moved clock (run-day.ts), scored against the ground truth (score.ts).
 * The user never clicks anything: the worst case for questions.
 */
describe("a realistic day: a Google and a Microsoft salesperson, 34 meetings with ground truth", () => {
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
    const test = EXPECTED_FAILING_TODAY.has(id) ? it.fails : it;
    test(`target: ${label}`, () => {
      const target = score.targets.find((candidate) => candidate.id === id)!;
      expect(target.met, `${target.label}: ${target.detail}`).toBe(true);
    });
  }
});
