import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatClockForBoth, formatSlotForBoth } from "../../../src/recovery/domain/format.js";
import { arrivalSentence, lateNotice, latePlan, MIN_LATE_MARGIN_MINUTES } from "../../../src/recovery/domain/late-notice.js";
import { rescheduleProposal } from "../../../src/recovery/domain/wording.js";

const LA = "America/Los_Angeles";
const NY = "America/New_York";
const at = (iso: string) => new Date(iso);
const minutes = (n: number) => n * 60_000;

describe("latePlan: the typed minutes, a visible margin, a clock time", () => {
  it("12 minutes late at the start of a 3:10 PM meeting: there by 3:25 PM (12 + 3)", () => {
    const start = at("2026-11-23T23:10:00Z");
    const plan = latePlan({ now: start, start, end: new Date(start.getTime() + minutes(45)), minutesLate: 12 });
    expect(plan).toMatchObject({ minutesLate: 12, marginMinutes: 3, fits: true });
    expect(plan.arriveBy.toISOString()).toBe("2026-11-23T23:25:00.000Z");
    expect(arrivalSentence({ plan, timeZone: LA })).toBe("I'll be there by 3:25 PM.");
  });

  it("counts from the start before it, and from now (to the minute) once it began", () => {
    const start = at("2026-11-23T23:10:00Z");
    const end = new Date(start.getTime() + minutes(60));
    const before = latePlan({ now: at("2026-11-23T23:02:30Z"), start, end, minutesLate: 10 });
    expect(before.countedFrom).toEqual(start);
    const during = latePlan({ now: at("2026-11-23T23:17:42Z"), start, end, minutesLate: 10 });
    expect(during.countedFrom.toISOString()).toBe("2026-11-23T23:17:00.000Z");
    expect(during.expectedAt.toISOString()).toBe("2026-11-23T23:27:00.000Z");
    expect(during.arriveBy.toISOString()).toBe("2026-11-23T23:30:00.000Z");
    expect(during.marginMinutes).toBe(3);
  });

  it("the figures shown add up exactly, the margin is ample, and the arrival is on a five-minute mark", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 240 }), fc.integer({ min: -30, max: 30 }), fc.integer({ min: 0, max: 59 }), (late, offset, seconds) => {
        const start = at("2026-11-23T23:10:00Z");
        const now = new Date(start.getTime() + minutes(offset) + seconds * 1000);
        const plan = latePlan({ now, start, end: new Date(start.getTime() + minutes(600)), minutesLate: late });
        expect(plan.arriveBy.getTime()).toBe(plan.countedFrom.getTime() + minutes(late + plan.marginMinutes));
        expect(plan.marginMinutes).toBeGreaterThanOrEqual(Math.max(MIN_LATE_MARGIN_MINUTES, Math.ceil(late / 4)));
        expect(plan.marginMinutes).toBeLessThan(Math.max(MIN_LATE_MARGIN_MINUTES, Math.ceil(late / 4)) + 5);
        expect(plan.arriveBy.getTime() % minutes(5)).toBe(0);
      }),
    );
  });

  it("is right across a DST change: 1:50 AM + 15 min on the night clocks go back reads in the new offset (and LA has not changed yet)", () => {
    // 2026-11-01 in New York: 1:59:59 EDT is followed by 1:00:00 EST.
    const start = at("2026-11-01T05:50:00Z"); // 1:50 AM EDT
    const plan = latePlan({ now: start, start, end: new Date(start.getTime() + minutes(120)), minutesLate: 15 });
    expect(plan.arriveBy.toISOString()).toBe("2026-11-01T06:10:00.000Z");
    expect(formatClockForBoth(plan.arriveBy, NY, null)).toBe("1:10 AM");
    expect(formatClockForBoth(plan.arriveBy, NY, LA)).toBe("1:10 AM EST (11:10 PM PDT)");
    // Spring forward: 1:55 AM EST + 10 min is 3:10 AM EDT, not 2:10.
    const spring = at("2026-03-08T06:55:00Z");
    const forward = latePlan({ now: spring, start: spring, end: new Date(spring.getTime() + minutes(60)), minutesLate: 10 });
    expect(formatClockForBoth(forward.arriveBy, NY, null)).toBe("3:10 AM");
  });

  it("a delay past the end gets no ETA: the notice says so and offers other times", () => {
    const start = at("2026-11-23T23:10:00Z");
    const plan = latePlan({ now: start, start, end: new Date(start.getTime() + minutes(45)), minutesLate: 240 });
    expect(plan.fits).toBe(false);
    const slot = { start: at("2026-11-25T18:00:00Z"), end: at("2026-11-25T18:45:00Z"), timeZone: LA };
    const notice = lateNotice({ attendeeNames: ["Dana Smith"], meetingTitle: "Pricing", plan, timeZone: LA, userName: "Sam", slots: [slot] });
    expect(notice.subject).toBe("Can't make it in time: Pricing");
    expect(notice.body).toContain("I can't make our \"Pricing\" meeting in time");
    expect(notice.body).toContain("- Wednesday, November 25, 10:00–10:45 AM PST");
    expect(notice.body).not.toMatch(/be there by|minutes/);
    // Arriving exactly at the end does not fit either.
    expect(latePlan({ now: start, start, end: new Date(start.getTime() + minutes(15)), minutesLate: 12 }).fits).toBe(false);
  });
});

describe("times in the other person's zone too, when known and different", () => {
  const slot = { start: at("2026-11-25T18:00:00Z"), end: at("2026-11-25T18:45:00Z") };

  it("writes both, the user's first, and the date again only when it is another day there", () => {
    expect(formatSlotForBoth(slot, LA, NY)).toBe("Wednesday, November 25, 10:00–10:45 AM PST (1:00–1:45 PM EST)");
    expect(formatSlotForBoth(slot, LA, "Asia/Tokyo")).toBe("Wednesday, November 25, 10:00–10:45 AM PST (Thursday, November 26, 3:00–3:45 AM GMT+9)");
    expect(formatSlotForBoth(slot, LA, LA)).toBe("Wednesday, November 25, 10:00–10:45 AM PST");
    // Another name of the same zone (a backward link in tzdata): not "different". (Not Vancouver: newer
    // tzdata keeps British Columbia on daylight time from November 2026, so it differs by Node version.)
    expect(formatSlotForBoth(slot, LA, "US/Pacific")).toBe("Wednesday, November 25, 10:00–10:45 AM PST");
    expect(formatSlotForBoth(slot, LA, null)).toBe("Wednesday, November 25, 10:00–10:45 AM PST");
    expect(formatSlotForBoth(slot, LA, "Not/AZone")).toBe("Wednesday, November 25, 10:00–10:45 AM PST");
  });

  it("the reschedule proposal and the late notice use them", () => {
    const proposal = rescheduleProposal({ attendeeNames: ["Dana"], meetingTitle: "Pricing", slots: [{ ...slot, timeZone: LA }], timeZone: LA, theirTimeZone: NY, userName: "Sam" });
    expect(proposal.body).toContain("- Wednesday, November 25, 10:00–10:45 AM PST (1:00–1:45 PM EST)");
    const plan = latePlan({ now: slot.start, start: slot.start, end: slot.end, minutesLate: 12 });
    const notice = lateNotice({ attendeeNames: ["Dana"], meetingTitle: "Pricing", plan, timeZone: LA, theirTimeZone: NY, userName: "Sam" });
    expect(notice.body).toContain("I'll be there by 10:15 AM PST (1:15 PM EST).");
  });
});
