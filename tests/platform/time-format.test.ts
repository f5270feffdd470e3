import { describe, expect, it } from "vitest";
import { clockRange, clockTime, dayAndClock, formatDayTime, formatMeetingTime, shortDay, zoneLabel } from "../../src/platform/time-format/time-format.js";

// Wednesday 2026-12-02 14:51 UTC: Thursday 23:51 in Tokyo, 9:51 AM in New York.
const AT = new Date("2026-12-02T14:51:00Z");

describe("the page shapes of the shared time format", () => {
  it("writes clock times without a leading zero, 12-hour, en-US whatever the process locale", () => {
    expect(clockTime(AT, "America/New_York")).toBe("9:51 AM");
    expect(clockTime(AT.toISOString(), "Asia/Tokyo")).toBe("11:51 PM");
    expect(clockTime(AT.getTime(), "UTC")).toBe("2:51 PM");
  });

  it("shows a range's day period once when both ends share it, as the emails do", () => {
    expect(clockRange("2026-12-03T01:00:00Z", "2026-12-03T01:45:00Z", "Asia/Tokyo")).toBe("10:00–10:45 AM");
    expect(clockRange("2026-12-03T02:30:00Z", "2026-12-03T03:15:00Z", "Asia/Tokyo")).toBe("11:30 AM–12:15 PM");
  });

  it("writes days and moments as the alerts do, without the zone where the page header names it", () => {
    expect(shortDay(AT, "Asia/Tokyo")).toBe("Wed, Dec 2");
    expect(dayAndClock(AT, "America/New_York")).toBe("Wed, Dec 2, 9:51 AM");
    expect(formatDayTime(AT, "America/New_York")).toBe("Wed, Dec 2, 9:51 AM EST");
  });

  it("is the alert shape with the zone once at the end", () => {
    expect(formatMeetingTime("2026-12-03T01:00:00Z", "2026-12-03T01:45:00Z", "Asia/Tokyo")).toBe("Thu, Dec 3, 10:00–10:45 AM GMT+9");
    expect(zoneLabel(AT, "Asia/Tokyo")).toBe("GMT+9");
    expect(zoneLabel(AT, "America/Chicago")).toBe("CST (GMT-6)");
  });

  it("uses plain spaces only", () => {
    for (const text of [clockTime(AT, "UTC"), clockRange(AT, AT.getTime() + 3_600_000, "UTC"), dayAndClock(AT, "UTC")]) expect(text).not.toMatch(/[\u00a0\u2009\u202f]/);
  });
});
