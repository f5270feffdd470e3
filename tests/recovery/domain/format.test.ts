import { describe, expect, it } from "vitest";
import { formatMeetingTime, formatSlot, formatTimeOfDay, zoneLabel } from "../../../src/recovery/domain/format.js";

// 2026-11-25 is a Wednesday; 18:00 UTC is 10:00 in Los Angeles (PST).
const WEDNESDAY_10AM_LA = { start: new Date("2026-11-25T18:00:00Z"), end: new Date("2026-11-25T18:45:00Z") };

describe("formatSlot", () => {
  it("writes weekday, date, time range and zone abbreviation", () => {
    expect(formatSlot(WEDNESDAY_10AM_LA, "America/Los_Angeles")).toBe("Wednesday, November 25, 10:00–10:45 AM PST");
  });

  it("uses plain spaces only (no narrow no-break or thin spaces from ICU)", () => {
    expect(formatSlot(WEDNESDAY_10AM_LA, "America/Los_Angeles")).not.toMatch(/[\u00a0\u2009\u202f]/);
  });

  it("shows both day periods when the range crosses noon", () => {
    const slot = { start: new Date("2026-11-25T19:30:00Z"), end: new Date("2026-11-25T20:15:00Z") };
    expect(formatSlot(slot, "America/Los_Angeles")).toBe("Wednesday, November 25, 11:30 AM–12:15 PM PST");
  });

  it("uses a GMT offset where the locale has no abbreviation for the zone", () => {
    expect(formatSlot(WEDNESDAY_10AM_LA, "Asia/Tokyo")).toBe("Thursday, November 26, 3:00–3:45 AM GMT+9");
    expect(formatSlot(WEDNESDAY_10AM_LA, "Europe/Berlin")).toBe("Wednesday, November 25, 7:00–7:45 PM GMT+1");
  });

  it("follows the locale, including its own abbreviations and 24-hour clock", () => {
    expect(formatSlot(WEDNESDAY_10AM_LA, "Europe/Berlin", "en-GB")).toBe("Wednesday 25 November, 19:00–19:45 CET");
    expect(formatSlot(WEDNESDAY_10AM_LA, "Europe/Berlin", "de-DE")).toBe("Mittwoch, 25. November, 19:00–19:45 MEZ");
  });

  it("adds the offset to an abbreviation that names several zones", () => {
    expect(formatSlot(WEDNESDAY_10AM_LA, "America/Chicago")).toBe("Wednesday, November 25, 12:00–12:45 PM CST (GMT-6)");
    expect(zoneLabel(WEDNESDAY_10AM_LA.start, "Asia/Kolkata", "en-IN")).toBe("IST (GMT+5:30)");
  });

  it("writes both dates when the range crosses midnight", () => {
    const late = { start: new Date("2026-11-26T07:30:00Z"), end: new Date("2026-11-26T08:15:00Z") };
    expect(formatSlot(late, "America/Los_Angeles")).toBe("Wednesday, November 25, 11:30 PM–Thursday, November 26, 12:15 AM PST");
  });

  it("writes each zone when daylight saving ends inside the range", () => {
    // 2026-11-01 in New York: 01:30 EDT, then an hour later 01:30 EST.
    const slot = { start: new Date("2026-11-01T05:30:00Z"), end: new Date("2026-11-01T06:30:00Z") };
    expect(formatSlot(slot, "America/New_York")).toBe("Sunday, November 1, 1:30 AM EDT–1:30 AM EST");
  });
});

describe("formatMeetingTime and formatTimeOfDay", () => {
  it("is the short form for alerts", () => {
    expect(formatMeetingTime(WEDNESDAY_10AM_LA.start, WEDNESDAY_10AM_LA.end, "America/Los_Angeles")).toBe(
      "Wed, Nov 25, 10:00–10:45 AM PST",
    );
    expect(formatTimeOfDay(WEDNESDAY_10AM_LA.start, "America/New_York")).toBe("1:00 PM EST");
  });
});
