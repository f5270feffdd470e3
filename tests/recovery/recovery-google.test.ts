import { wholeCaseScenario } from "./support/scenario.js";

wholeCaseScenario({
  provider: "google",
  email: "ann@example.com",
  name: "Ann Lee",
  timeZone: "America/New_York",
  zoneLabel: "EST",
  other: { email: "dana@client.example", name: "Dana Smith" },
  phoneIn: "description",
  phoneText: "Dana's mobile: +1 (415) 555-0132",
  phoneE164: "+14155550132",
  // Wednesday 10:00–12:00 and Thursday 10:00–15:30 New York time are taken.
  busy: [
    ["2026-11-11T15:00:00Z", "2026-11-11T17:00:00Z"],
    ["2026-11-12T15:00:00Z", "2026-11-12T20:30:00Z"],
  ],
  sendPath: "/gmail/v1/users/me/messages/send",
});
