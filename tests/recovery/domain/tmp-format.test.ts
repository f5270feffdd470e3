import { formatSlot, formatMeetingTime, formatTimeOfDay } from "../../../src/recovery/domain/format.js";
import { test } from "vitest";
test("x", () => {
const s={start:new Date("2026-11-25T18:00:00Z"), end:new Date("2026-11-25T18:45:00Z")};
for (const [z,l] of [["America/Los_Angeles","en-US"],["Europe/Berlin","en-GB"],["Europe/Berlin","de-DE"],["Asia/Tokyo","en-US"],["America/Chicago","en-US"],["Asia/Kolkata","en-IN"],["Asia/Shanghai","zh-CN"],["Asia/Seoul","ko-KR"]] as const) console.log(formatSlot(s,z,l), "|", formatMeetingTime(s.start,s.end,z,l), "|", formatTimeOfDay(s.start,z,l));
console.log(formatSlot({start:new Date("2026-11-25T19:30:00Z"), end:new Date("2026-11-25T20:15:00Z")},"America/Los_Angeles"));
console.log(formatSlot({start:new Date("2026-11-26T07:30:00Z"), end:new Date("2026-11-26T08:15:00Z")},"America/Los_Angeles"));
console.log(formatSlot({start:new Date("2026-11-01T05:30:00Z"), end:new Date("2026-11-01T06:30:00Z")},"America/New_York"));
});
