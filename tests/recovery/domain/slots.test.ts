import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { proposeSlots, type BusyInterval, type ProposeSlotsInput, type ProposedSlot } from "../../../src/recovery/domain/slots.js";

const WEEKDAYS = [1, 2, 3, 4, 5];
const OFFICE = { days: WEEKDAYS, start: "09:00", end: "17:00" };
const LA = "America/Los_Angeles";

// 2026-11-23 is a Monday.
const MONDAY_10AM_LA = new Date("2026-11-23T18:00:00Z");

function local(slot: ProposedSlot, zone = slot.timeZone): string {
  const start = DateTime.fromJSDate(slot.start, { zone });
  const end = DateTime.fromJSDate(slot.end, { zone });
  return `${start.toFormat("ccc yyyy-MM-dd HH:mm")}–${end.toFormat("HH:mm")}`;
}

function busy(startIso: string, endIso: string): BusyInterval {
  return { start: new Date(startIso), end: new Date(endIso) };
}

function propose(overrides: Partial<ProposeSlotsInput> = {}): ProposedSlot[] {
  return proposeSlots({
    busy: [],
    now: MONDAY_10AM_LA,
    durationMinutes: 45,
    timeZone: LA,
    workingHours: OFFICE,
    ...overrides,
  });
}

describe("proposeSlots", () => {
  it("offers three mid-morning slots on the next three business days, never today", () => {
    const slots = propose();
    expect(slots.map((slot) => local(slot))).toEqual([
      "Tue 2026-11-24 10:00–10:45",
      "Wed 2026-11-25 10:00–10:45",
      "Thu 2026-11-26 10:00–10:45",
    ]);
    expect(slots.every((slot) => slot.timeZone === LA)).toBe(true);
    expect(slots[0]?.start.toISOString()).toBe("2026-11-24T18:00:00.000Z");
  });

  it("does not offer today even when the whole working day is still ahead", () => {
    const earlyMonday = new Date("2026-11-23T14:00:00Z"); // 06:00 in Los Angeles
    expect(local(propose({ now: earlyMonday })[0]!)).toBe("Tue 2026-11-24 10:00–10:45");
  });

  it("honours count 2", () => {
    expect(propose({ count: 2 })).toHaveLength(2);
  });

  it("moves around a busy morning, keeping 30 minutes clear after it", () => {
    // Tuesday 09:30–11:00 local is busy: 10:00–11:00 starts clash or sit within the margin.
    const slots = propose({ busy: [busy("2026-11-24T17:30:00Z", "2026-11-24T19:00:00Z")] });
    expect(local(slots[0]!)).toBe("Tue 2026-11-24 11:30–12:15");
  });

  it("keeps the margin before a busy block too, and falls back to early afternoon", () => {
    // Tuesday 11:00–12:00 local: a 10:00–10:45 slot would end only 15 minutes before it.
    const tuesdayLate = busy("2026-11-24T19:00:00Z", "2026-11-24T20:00:00Z");
    expect(local(propose({ busy: [tuesdayLate] })[0]!)).toBe("Tue 2026-11-24 13:30–14:15");
    expect(local(propose({ busy: [tuesdayLate], marginMinutes: 0 })[0]!)).toBe("Tue 2026-11-24 10:00–10:45");
  });

  it("ignores zero-length and inverted intervals rather than treating them as busy", () => {
    const slots = propose({
      busy: [busy("2026-11-24T18:00:00Z", "2026-11-24T18:00:00Z"), busy("2026-11-24T19:00:00Z", "2026-11-24T18:00:00Z")],
    });
    expect(local(slots[0]!)).toBe("Tue 2026-11-24 10:00–10:45");
  });

  it("gives users in Tokyo and Los Angeles local working-hour slots from the same UTC busy list", () => {
    // 2026-11-24 18:00–20:00 UTC: Tuesday 10:00–12:00 in Los Angeles, Wednesday 03:00–05:00 in Tokyo.
    const shared = [busy("2026-11-24T18:00:00Z", "2026-11-24T20:00:00Z")];
    const la = propose({ busy: shared, timeZone: LA });
    const tokyo = propose({ busy: shared, timeZone: "Asia/Tokyo" });
    expect(la.map((slot) => local(slot))).toEqual([
      "Tue 2026-11-24 13:30–14:15",
      "Wed 2026-11-25 10:00–10:45",
      "Thu 2026-11-26 10:00–10:45",
    ]);
    // Monday 10:00 in Los Angeles is already Tuesday 03:00 in Tokyo: Tokyo's "tomorrow" is Wednesday.
    expect(tokyo.map((slot) => local(slot))).toEqual([
      "Wed 2026-11-25 10:00–10:45",
      "Thu 2026-11-26 10:00–10:45",
      "Fri 2026-11-27 10:00–10:45",
    ]);
    expect(tokyo[0]?.start.toISOString()).toBe("2026-11-25T01:00:00.000Z");
    expect(tokyo.every((slot) => slot.timeZone === "Asia/Tokyo")).toBe(true);
  });

  it("skips the weekend", () => {
    const fridayAfternoon = new Date("2026-11-27T23:00:00Z"); // Friday 15:00 in Los Angeles
    expect(propose({ now: fridayAfternoon }).map((slot) => local(slot))).toEqual([
      "Mon 2026-11-30 10:00–10:45",
      "Tue 2026-12-01 10:00–10:45",
      "Wed 2026-12-02 10:00–10:45",
    ]);
  });

  it("uses only the user's working days", () => {
    const tuesdaysAndThursdays = { days: [2, 4], start: "09:00", end: "17:00" };
    expect(propose({ workingHours: tuesdaysAndThursdays }).map((slot) => local(slot))).toEqual([
      "Tue 2026-11-24 10:00–10:45",
      "Thu 2026-11-26 10:00–10:45",
      "Tue 2026-12-01 10:00–10:45",
    ]);
  });

  it("stays inside working hours and aligns to :00/:30", () => {
    const slots = propose({ workingHours: { days: WEEKDAYS, start: "07:15", end: "09:15" }, durationMinutes: 60 });
    expect(slots.map((slot) => local(slot))).toEqual([
      "Tue 2026-11-24 07:30–08:30",
      "Wed 2026-11-25 07:30–08:30",
      "Thu 2026-11-26 07:30–08:30",
    ]);
  });

  it("returns nothing when the meeting is longer than the working day", () => {
    expect(propose({ workingHours: { days: WEEKDAYS, start: "09:00", end: "10:00" }, durationMinutes: 90 })).toEqual([]);
  });

  it("never starts a slot less than two hours from now", () => {
    // Working hours right after midnight; now is Monday 23:30 local.
    const lateMonday = new Date("2026-11-24T07:30:00Z");
    const slots = propose({ now: lateMonday, durationMinutes: 30, workingHours: { days: WEEKDAYS, start: "00:00", end: "02:00" } });
    expect(local(slots[0]!)).toBe("Tue 2026-11-24 01:30–02:00");
  });

  it("returns fewer slots when the calendar is full, and none when it is all busy", () => {
    const fullDay = (date: string): BusyInterval => busy(`${date}T16:00:00Z`, `${date}T02:00:00Z`.replace(date, nextDate(date)));
    const allBusyButThursday = ["2026-11-24", "2026-11-25", "2026-11-27", "2026-11-30"].map(fullDay);
    expect(propose({ busy: allBusyButThursday }).map((slot) => local(slot))).toEqual(["Thu 2026-11-26 10:00–10:45"]);
    const allBusy = [busy("2026-11-23T00:00:00Z", "2026-12-10T00:00:00Z")];
    expect(propose({ busy: allBusy })).toEqual([]);
  });

  it("looks only horizonBusinessDays ahead", () => {
    const tuesdayBusy = [busy("2026-11-24T16:00:00Z", "2026-11-25T02:00:00Z")];
    expect(propose({ busy: tuesdayBusy, horizonBusinessDays: 2 }).map((slot) => local(slot))).toEqual([
      "Wed 2026-11-25 10:00–10:45",
    ]);
  });

  describe("across daylight-saving changes", () => {
    it("keeps 10:00 local in Berlin through the last Sunday of October", () => {
      // Saturday 2026-10-24 12:00 in Berlin (CEST); clocks go back on Sunday 2026-10-25.
      const slots = proposeSlots({
        busy: [],
        now: new Date("2026-10-24T10:00:00Z"),
        durationMinutes: 60,
        timeZone: "Europe/Berlin",
        workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: "09:00", end: "17:00" },
      });
      expect(slots.map((slot) => local(slot))).toEqual([
        "Sun 2026-10-25 10:00–11:00",
        "Mon 2026-10-26 10:00–11:00",
        "Tue 2026-10-27 10:00–11:00",
      ]);
      expect(slots.map((slot) => slot.start.toISOString())).toEqual([
        "2026-10-25T09:00:00.000Z",
        "2026-10-26T09:00:00.000Z",
        "2026-10-27T09:00:00.000Z",
      ]);
    });

    it("keeps 10:00 local in Berlin in the working week that spans the change", () => {
      const friday = new Date("2026-10-23T08:00:00Z"); // Friday 10:00 CEST
      const slots = proposeSlots({ busy: [], now: friday, durationMinutes: 45, timeZone: "Europe/Berlin", workingHours: OFFICE });
      expect(slots.map((slot) => slot.start.toISOString())).toEqual([
        "2026-10-26T09:00:00.000Z",
        "2026-10-27T09:00:00.000Z",
        "2026-10-28T09:00:00.000Z",
      ]);
    });

    it("keeps 10:00 local in New York through the first Sunday of November", () => {
      const saturday = new Date("2026-10-31T16:00:00Z"); // Saturday 12:00 EDT
      const slots = proposeSlots({
        busy: [],
        now: saturday,
        durationMinutes: 30,
        timeZone: "America/New_York",
        workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: "09:00", end: "17:00" },
      });
      expect(slots.map((slot) => local(slot))).toEqual([
        "Sun 2026-11-01 10:00–10:30",
        "Mon 2026-11-02 10:00–10:30",
        "Tue 2026-11-03 10:00–10:30",
      ]);
      expect(slots[0]?.start.toISOString()).toBe("2026-11-01T15:00:00.000Z");
      expect(slots.every((slot) => slot.end.getTime() - slot.start.getTime() === 30 * 60_000)).toBe(true);
    });

    it("skips wall-clock times that do not exist on the spring-forward night", () => {
      // 2026-03-08 in New York: 02:00–03:00 does not exist.
      const saturday = new Date("2026-03-07T17:00:00Z");
      const slots = proposeSlots({
        busy: [],
        now: saturday,
        durationMinutes: 60,
        timeZone: "America/New_York",
        workingHours: { days: [7], start: "02:00", end: "04:00" },
        horizonBusinessDays: 1,
      });
      expect(slots.map((slot) => local(slot))).toEqual(["Sun 2026-03-08 03:00–04:00"]);
      expect(slots[0]?.start.toISOString()).toBe("2026-03-08T07:00:00.000Z");
    });
  });

  it("refuses malformed input with a RangeError naming the field", () => {
    expect(() => propose({ timeZone: "Mars/Olympus" })).toThrow(/timeZone/);
    expect(() => propose({ workingHours: { days: WEEKDAYS, start: "9am", end: "17:00" } })).toThrow(/workingHours.start/);
    expect(() => propose({ workingHours: { days: WEEKDAYS, start: "17:00", end: "09:00" } })).toThrow(/workingHours.end/);
    expect(() => propose({ workingHours: { days: [0], start: "09:00", end: "17:00" } })).toThrow(/workingHours.days/);
    expect(() => propose({ count: 5 })).toThrow(/count/);
    expect(() => propose({ durationMinutes: 0 })).toThrow(/durationMinutes/);
    expect(() => propose({ now: new Date("nonsense") })).toThrow(/now/);
    expect(() => propose({ busy: [{ start: new Date("nonsense"), end: new Date() }] })).toThrow(/busy\[0\]\.start/);
  });

  it("returns nothing when the user has no working days", () => {
    expect(propose({ workingHours: { days: [], start: "09:00", end: "17:00" } })).toEqual([]);
  });

  describe("properties", () => {
    const zones = [
      "America/Los_Angeles",
      "America/New_York",
      "Europe/Berlin",
      "Europe/London",
      "Asia/Tokyo",
      "Asia/Kolkata",
      "Australia/Sydney",
      "America/Sao_Paulo",
    ];
    const HOUR = 3_600_000;
    const base = Date.parse("2026-01-01T00:00:00Z");

    const scenario = fc
      .record({
        zone: fc.constantFrom(...zones),
        nowOffsetHours: fc.integer({ min: 0, max: 365 * 24 }),
        duration: fc.constantFrom(15, 30, 45, 60, 90),
        startMinute: fc.integer({ min: 6 * 4, max: 11 * 4 }).map((quarter) => quarter * 15),
        lengthMinutes: fc.integer({ min: 2 * 4, max: 12 * 4 }).map((quarter) => quarter * 15),
        days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        count: fc.constantFrom(2, 3),
        margin: fc.constantFrom(0, 15, 30),
        busyShape: fc.array(
          fc.record({ offsetMinutes: fc.integer({ min: -24 * 60, max: 14 * 24 * 60 }), lengthMinutes: fc.integer({ min: 0, max: 8 * 60 }) }),
          { maxLength: 30 },
        ),
      })
      .map((s) => {
        const now = new Date(base + s.nowOffsetHours * HOUR);
        const endMinute = Math.min(s.startMinute + s.lengthMinutes, 24 * 60 - 1);
        return {
          ...s,
          now,
          workingHours: { days: s.days, start: clockText(s.startMinute), end: clockText(endMinute) },
          busy: s.busyShape.map((b) => ({
            start: new Date(now.getTime() + b.offsetMinutes * 60_000),
            end: new Date(now.getTime() + (b.offsetMinutes + b.lengthMinutes) * 60_000),
          })),
        };
      });

    it("every slot is in working hours, clear of busy time, the right length, on distinct later days", () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const slots = proposeSlots({
            busy: s.busy,
            now: s.now,
            durationMinutes: s.duration,
            timeZone: s.zone,
            workingHours: s.workingHours,
            count: s.count,
            marginMinutes: s.margin,
          });
          expect(slots.length).toBeLessThanOrEqual(s.count);
          const today = DateTime.fromJSDate(s.now, { zone: s.zone }).toISODate()!;
          const workStart = minutes(s.workingHours.start);
          const workEnd = minutes(s.workingHours.end);
          const seenDays = new Set<string>();
          let previous = -Infinity;
          for (const slot of slots) {
            const start = DateTime.fromJSDate(slot.start, { zone: s.zone });
            const end = DateTime.fromJSDate(slot.end, { zone: s.zone });
            expect(slot.timeZone).toBe(s.zone);
            expect(slot.end.getTime() - slot.start.getTime()).toBe(s.duration * 60_000);
            expect(s.days).toContain(start.weekday);
            expect(start.minute % 30).toBe(0);
            expect(start.hour * 60 + start.minute).toBeGreaterThanOrEqual(workStart);
            expect(end.toISODate()).toBe(start.toISODate());
            expect(end.hour * 60 + end.minute).toBeLessThanOrEqual(workEnd);
            expect(start.toISODate()! > today).toBe(true);
            expect(slot.start.getTime()).toBeGreaterThanOrEqual(s.now.getTime() + 2 * HOUR);
            expect(seenDays.has(start.toISODate()!)).toBe(false);
            seenDays.add(start.toISODate()!);
            expect(slot.start.getTime()).toBeGreaterThan(previous);
            previous = slot.start.getTime();
            for (const b of s.busy) {
              if (b.end <= b.start) continue;
              const clear =
                slot.end.getTime() + s.margin * 60_000 <= b.start.getTime() ||
                slot.start.getTime() >= b.end.getTime() + s.margin * 60_000;
              expect(clear).toBe(true);
            }
          }
        }),
        { numRuns: 300 },
      );
    });

    it("with an empty calendar and room in the day, always offers the full count", () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const roomy = minutes(s.workingHours.end) - Math.ceil(minutes(s.workingHours.start) / 30) * 30 >= s.duration + 60;
          fc.pre(roomy);
          const slots = proposeSlots({
            busy: [],
            now: s.now,
            durationMinutes: s.duration,
            timeZone: s.zone,
            workingHours: s.workingHours,
            count: s.count,
            horizonBusinessDays: 5,
          });
          expect(slots).toHaveLength(Math.min(s.count, 5));
        }),
        { numRuns: 200 },
      );
    });
  });
});

function clockText(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`;
}

function minutes(clock: string): number {
  const [hours = 0, mins = 0] = clock.split(":").map(Number);
  return hours * 60 + mins;
}

function nextDate(isoDate: string): string {
  return DateTime.fromISO(isoDate, { zone: "UTC" }).plus({ days: 1 }).toISODate()!;
}
