import { describe, expect, it } from "vitest";
import { deliveryDueAt, quietWindowEnd } from "../../src/alerts/domain/quiet-hours.js";
import { alertNotification, notificationPreview, shortNotification, MAX_PAYLOAD_BYTES } from "../../src/alerts/domain/notification.js";

const NIGHT = { start: "22:00", end: "07:00" };

describe("quiet hours", () => {
  it("ends the window the next morning when entered in the evening, the same morning after midnight, in the user's zone", () => {
    expect(quietWindowEnd(NIGHT, "Europe/Berlin", new Date("2026-03-04T21:30:00Z"))?.toISOString()).toBe("2026-03-05T06:00:00.000Z");
    expect(quietWindowEnd(NIGHT, "Europe/Berlin", new Date("2026-03-05T02:00:00Z"))?.toISOString()).toBe("2026-03-05T06:00:00.000Z");
    expect(quietWindowEnd(NIGHT, "Europe/Berlin", new Date("2026-03-05T06:00:00Z"))).toBeNull();
    expect(quietWindowEnd(NIGHT, "Europe/Berlin", new Date("2026-03-04T20:59:00Z"))).toBeNull();
    // A daytime window (a nap, a class) works the same way.
    expect(quietWindowEnd({ start: "13:00", end: "14:00" }, "UTC", new Date("2026-03-04T13:30:00Z"))?.toISOString()).toBe("2026-03-04T14:00:00.000Z");
    expect(quietWindowEnd(null, "UTC", new Date("2026-03-04T23:00:00Z"))).toBeNull();
  });

  it("holds only push and ntfy, and only what can wait", () => {
    const now = new Date("2026-03-04T23:00:00Z");
    const held = (kind: string, channel: string) => deliveryDueAt({ kind, channel, quiet: NIGHT, timeZone: "UTC", now }).toISOString();
    expect(held("suspected_missed", "push")).toBe("2026-03-05T07:00:00.000Z");
    expect(held("digest", "ntfy")).toBe("2026-03-05T07:00:00.000Z");
    expect(held("suspected_missed", "email")).toBe(now.toISOString());
    expect(held("late", "push")).toBe(now.toISOString());
    expect(held("nudge", "ntfy")).toBe(now.toISOString());
  });
});

describe("the notification an alert becomes", () => {
  const alert = { id: "0b9e8c1e-2f4b-4f54-9d8e-5b1c7f7a1d10", kind: "suspected_missed", title: "Did you miss   Pricing?", body: "Are you sure? ".repeat(400), data: null, meetingId: null, createdAt: new Date("2026-03-04T16:00:00Z") };

  it("fits the payload limit by cutting the body, keeps its answers, and the short form after a 413 drops them", () => {
    const notification = alertNotification(alert, { open: "https://m.example/?alert=1", action: (action) => `https://m.example/alert-action/${action}.${"x".repeat(300)}` });
    expect(new TextEncoder().encode(JSON.stringify(notification)).length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(notification.title).toBe("Did you miss Pricing?");
    expect(notification.body.endsWith("…")).toBe(true);
    expect(notification.actions.map((action) => action.title)).toEqual(["Yes, I missed it", "I was there"]);
    expect(notification.tag).toBe(`makegood-alert-${alert.id}`);
    const short = shortNotification(notification);
    expect(short.actions).toEqual([]);
    expect(short.body.length).toBeLessThanOrEqual(120);
  });

  it("previews what a lock screen shows, without links", () => {
    expect(notificationPreview({ ...alert, body: "Are you sure?", meetingId: "m1" })).toEqual({ title: "Did you miss Pricing?", body: "Are you sure?", actions: ["Yes, I missed it", "I was there"] });
  });
});
