import { wholeCaseScenario } from "./support/scenario.js";

wholeCaseScenario({
  provider: "microsoft",
  email: "cam@contoso.example",
  name: "Cam Diaz",
  timeZone: "Europe/Berlin",
  zoneLabel: "GMT+1",
  other: { email: "eve@partner.example", name: "Eve Ng" },
  phoneIn: "location",
  phoneText: "Eve's office, +44 20 7946 0958",
  phoneE164: "+442079460958",
  // Wednesday 10:00–12:00 and Thursday 10:00–15:30 Berlin time are taken.
  busy: [
    ["2026-11-11T09:00:00Z", "2026-11-11T11:00:00Z"],
    ["2026-11-12T09:00:00Z", "2026-11-12T14:30:00Z"],
  ],
  sendPath: "/v1.0/me/sendMail",
});
