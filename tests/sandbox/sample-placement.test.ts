import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { sampleHistory } from "../../src/calendars/sandbox/history.js";
import { sampleEvents } from "../../src/calendars/sandbox/samples.js";
import { insideWorkingHours, DEFAULT_WORKING_HOURS } from "../../src/calendars/sandbox/working-hours.js";

/** The samples that show what happens now sit at now, whatever the hour (see sampleEvents). */
const AT_NOW = new Set(["late", "coffee"]);
/** Yesterday's check-in-only pair stay on yesterday (its digest asks about that day). */
const YESTERDAY = new Set(["yesterday-lunch", "yesterday-zoom"]);

const inHours = (start: Date, end: Date, zone: string) => {
  const local = DateTime.fromJSDate(start, { zone });
  return insideWorkingHours(local, (end.getTime() - start.getTime()) / 60_000, DEFAULT_WORKING_HOURS);
};

describe("the sample calendar in the user's working hours", () => {
  // Thursday 00:06 in Tokyo (the moment), Monday 08:00 in Berlin, Wednesday 13:00 in New York, Friday 18:30 in Sydney.
  const moments: Array<[string, string]> = [
    ["2026-12-02T15:06:00Z", "Asia/Tokyo"],
    ["2026-11-30T07:00:00Z", "Europe/Berlin"],
    ["2026-12-02T18:00:00Z", "America/New_York"],
    ["2026-12-04T07:30:00Z", "Australia/Sydney"],
  ];

  for (const [iso, zone] of moments) {
    it(`places every sample not tied to now inside 9–5 on a weekday (${zone}, ${iso})`, () => {
      const now = new Date(iso);
      const events = sampleEvents(now, zone);
      for (const event of events.filter((e) => !AT_NOW.has(e.sampleKey ?? "") && !YESTERDAY.has(e.sampleKey ?? ""))) {
        expect(inHours(event.start, event.end, zone), `${event.sampleKey} at ${DateTime.fromJSDate(event.start, { zone }).toFormat("ccc HH:mm")}`).toBe(true);
      }
      const at = (key: string) => events.find((e) => e.sampleKey === key)!;
      // The story still holds: missed and attended are over, the later ones are ahead, nothing overlaps.
      expect(at("missed").end.getTime()).toBeLessThanOrEqual(now.getTime() - 10 * 60_000);
      expect(at("attended").end.getTime()).toBeLessThanOrEqual(at("missed").start.getTime());
      expect(at("later-today").start.getTime()).toBeGreaterThan(now.getTime());
      expect(at("tomorrow-afternoon").start.getTime()).toBeGreaterThan(at("tomorrow").end.getTime());
      // Still asked about: ended after the sample connection was made (three days ago).
      expect(at("missed").end.getTime()).toBeGreaterThan(now.getTime() - 3 * 24 * 3_600_000);
      // The meeting running late overlaps the coffee on purpose (the story's two "now" moments).
      const sorted = [...events].filter((e) => e.selfResponse !== "declined" && !YESTERDAY.has(e.sampleKey ?? "") && e.sampleKey !== "late").sort((a, b) => a.start.getTime() - b.start.getTime());
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.start.getTime(), `${sorted[i - 1]!.sampleKey} overlaps ${sorted[i]!.sampleKey}`).toBeGreaterThanOrEqual(sorted[i - 1]!.end.getTime());
    });
  }

  it("keeps the meeting running late and the coffee at now, even at midnight", () => {
    const now = new Date("2026-12-02T15:06:00Z");
    const events = sampleEvents(now, "Asia/Tokyo");
    expect(events.find((e) => e.sampleKey === "late")!.start.toISOString()).toBe("2026-12-02T14:58:00.000Z");
    expect(events.find((e) => e.sampleKey === "coffee")!.start.toISOString()).toBe("2026-12-02T15:10:00.000Z");
  });
});

describe("twelve weeks of sample history", () => {
  const now = new Date("2026-12-02T15:06:00Z");
  const history = sampleHistory(now, "Asia/Tokyo");

  it("fills the punctuality page's twelve weeks before the current one (its samples are this week's), in working hours, ending before the sample connection was made", () => {
    const weeks = [...new Set(history.map((m) => DateTime.fromJSDate(m.start, { zone: "Asia/Tokyo" }).startOf("week").toISODate()))];
    // Thursday: history ends on the Sunday before (four days back), the samples fill this week.
    expect(weeks).toHaveLength(11);
    expect(weeks[0]).toBe("2026-09-14");
    for (const meeting of history) expect(inHours(meeting.start, meeting.end, "Asia/Tokyo")).toBe(true);
    expect(Math.max(...history.map((m) => m.end.getTime()))).toBeLessThan(now.getTime() - 3 * 24 * 3_600_000);
    expect(new Set(history.map((m) => m.key)).size).toBe(history.length);
  });

  it("tells a believable improving trend: more went wrong in the first four weeks than in the last four", () => {
    const share = (list: typeof history) => list.filter((m) => m.outcome !== "on_time").length / list.length;
    const first = history.filter((m) => m.start.getTime() < history[0]!.start.getTime() + 28 * 24 * 3_600_000);
    const last = history.filter((m) => m.start.getTime() > now.getTime() - 32 * 24 * 3_600_000);
    expect(share(first)).toBeGreaterThan(share(last) + 0.1);
    expect(history.some((m) => m.outcome === "missed")).toBe(true);
    expect(history.filter((m) => m.outcome === "late").every((m) => m.joinedAfterMinutes! > 5)).toBe(true);
    expect(history.filter((m) => m.outcome === "on_time").every((m) => m.joinedAfterMinutes! <= 5)).toBe(true);
  });

  it("is the same history for the same moment", () => {
    expect(sampleHistory(now, "Asia/Tokyo")).toEqual(history);
  });
});
