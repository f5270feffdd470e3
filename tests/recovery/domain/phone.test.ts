import { describe, expect, it } from "vitest";
import { contactLines, findPhoneNumbers, normalisePhone } from "../../../src/recovery/domain/phone.js";

const GOOGLE_MEET_LEGACY = `Quarterly review with Dana.

-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-
Please do not edit this section of the description.

This event has a Google Meet video conference.
Join: https://meet.google.com/abc-defg-hij

Join by phone
(US) +1 669-900-9128 (PIN: 123456789)

View more phone numbers: https://tel.meet/abc-defg-hij?pin=123456789&hs=7
-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-`;

const GOOGLE_MEET_CURRENT = `Join with Google Meet: https://meet.google.com/abc-defg-hij
Or dial: \u202a(US) +1 347-555-0199\u202c PIN: \u202a123 456 789\u202c#
More phone numbers: https://tel.meet/abc-defg-hij?pin=123456789

Dana's mobile: (415) 555-0123`;

const ZOOM = `Join Zoom Meeting
https://us02web.zoom.us/j/81234567890?pwd=abc

Meeting ID: 812 3456 7890
Passcode: 123456

One tap mobile
+16699009128,,81234567890# US (San Jose)
+13462487799,,81234567890# US (Houston)

Dial by your location
        +1 669 900 9128 US (San Jose)
        +1 346 248 7799 US (Houston)
Find your local number: https://us02web.zoom.us/u/kabc

Questions? Call Lee on +1 202-456-1111.`;

const TEAMS = `________________________________________________________________________________
Microsoft Teams meeting
Join on your computer, mobile app or room device
Meeting ID: 123 456 789 012
Passcode: abc123
Or call in (audio only)
+1 323-555-0166,,123456789#   United States, Los Angeles
Phone Conference ID: 123 456 789#
________________________________________________________________________________`;

describe("findPhoneNumbers", () => {
  it("finds US numbers in a description and gives E.164, a tel: URI and a display form", () => {
    const found = findPhoneNumbers({ texts: ["Call Dana on (415) 555-0123 or her desk 415.555.0199."], defaultCountry: "US" });
    expect(found).toEqual([
      expect.objectContaining({ e164: "+14155550123", telUri: "tel:+14155550123", display: "(415) 555-0123", country: "US", sourceIndex: 0 }),
      expect.objectContaining({ e164: "+14155550199", telUri: "tel:+14155550199", display: "(415) 555-0199" }),
    ]);
    expect(found[0]?.context).toBe("Call Dana on (415) 555-0123 or her desk 415.555.0199.");
  });

  it("finds UK and international numbers, shown internationally when abroad", () => {
    const found = findPhoneNumbers({
      texts: ["London office +44 20 7946 0958, mobile 07400 123456", "Paris: +33 1 42 68 53 00; Sydney +61 2 9374 4000"],
      defaultCountry: "GB",
    });
    expect(found.map((candidate) => [candidate.e164, candidate.display, candidate.sourceIndex])).toEqual([
      ["+442079460958", "020 7946 0958", 0],
      ["+447400123456", "07400 123456", 0],
      ["+33142685300", "+33 1 42 68 53 00", 1],
      ["+61293744000", "+61 2 9374 4000", 1],
    ]);
  });

  it("needs a country code without a default country", () => {
    expect(findPhoneNumbers({ texts: ["Call 415 555 0123 or +44 20 7946 0958"] }).map((c) => c.e164)).toEqual(["+442079460958"]);
  });

  it("keeps an extension in the tel: URI", () => {
    const [found] = findPhoneNumbers({ texts: ["Dana: +1 202-456-1111 ext. 12"] });
    expect(found).toMatchObject({ e164: "+12024561111", telUri: "tel:+12024561111;ext=12", extension: "12" });
  });

  it("would find the fixtures' dial-in numbers on their own (so the skipping below is what is tested)", () => {
    const bare = ["(US) +1 669-900-9128", "(US) +1 347-555-0199", "+1 323-555-0166", "+1 346 248 7799"];
    expect(findPhoneNumbers({ texts: bare, defaultCountry: "US" })).toHaveLength(4);
  });

  it("does not propose the Google Meet dial-in (legacy delimited block) as the attendee's phone", () => {
    expect(findPhoneNumbers({ texts: [GOOGLE_MEET_LEGACY], defaultCountry: "US" })).toEqual([]);
  });

  it("skips 'Or dial … PIN' lines but finds the contact number after them", () => {
    const found = findPhoneNumbers({ texts: [GOOGLE_MEET_CURRENT], defaultCountry: "US" });
    expect(found.map((candidate) => candidate.e164)).toEqual(["+14155550123"]);
    expect(found[0]?.context).toBe("Dana's mobile: (415) 555-0123");
  });

  it("skips Zoom one-tap and dial-by-location numbers, meeting ids and passcodes", () => {
    expect(findPhoneNumbers({ texts: [ZOOM], defaultCountry: "US" }).map((candidate) => candidate.e164)).toEqual(["+12024561111"]);
  });

  it("skips Teams call-in numbers and conference ids", () => {
    expect(findPhoneNumbers({ texts: [TEAMS], defaultCountry: "US" })).toEqual([]);
  });

  it("ignores things that only look like numbers", () => {
    const texts = [
      "Meeting ID: 812 3456 7890",
      "PIN: 123 456 789#",
      "Order 1234567890 shipped on 2026-11-25 08:00; invoice dated 11/25/2026",
      "https://us02web.zoom.us/j/81234567890?pwd=abc",
    ];
    expect(findPhoneNumbers({ texts, defaultCountry: "US" })).toEqual([]);
  });

  it("deduplicates across formats and sources, first occurrence (source order) wins", () => {
    const found = findPhoneNumbers({
      texts: [
        '<p>Call <a href="tel:+14155550123">+1 415-555-0123</a></p>',
        "Location: 415 555 0123",
        "Notes: Dana's cell is (415) 555-0123; assistant Lee +1 (202) 456-1111",
      ],
      defaultCountry: "US",
    });
    expect(found.map((candidate) => [candidate.e164, candidate.sourceIndex])).toEqual([
      ["+14155550123", 0],
      ["+12024561111", 2],
    ]);
  });

  it("reads HTML descriptions line by line, so a dial-in line ends at <br>", () => {
    const html = "Join by phone<br>(US) +1 347-555-0123 (PIN: 123456789)<br><br>Contact&nbsp;Dana: +1&nbsp;415&#45;555&#45;0123";
    expect(contactLines(html)).toEqual(["Contact Dana: +1 415-555-0123"]);
    expect(findPhoneNumbers({ texts: [html] }).map((candidate) => candidate.e164)).toEqual(["+14155550123"]);
  });
});

describe("normalisePhone", () => {
  it("accepts what people type and normalises it", () => {
    expect(normalisePhone("(415) 555-0123", "US")).toEqual({
      ok: true,
      e164: "+14155550123",
      telUri: "tel:+14155550123",
      display: "(415) 555-0123",
    });
    expect(normalisePhone(" +44 20 7946 0958 ", "US")).toEqual({
      ok: true,
      e164: "+442079460958",
      telUri: "tel:+442079460958",
      display: "+44 20 7946 0958",
    });
    expect(normalisePhone("+1 415 555 0123 x 45")).toMatchObject({ ok: true, telUri: "tel:+14155550123;ext=45" });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["call me", "not_a_number"],
    ["1-800-FLOWERS", "not_a_number"],
    ["415 555 0123", "missing_country_code"],
    ["+1 415", "too_short"],
    ["+1 415 555 0123 4567 8901", "too_long"],
    ["+1 123 456 7890", "invalid"],
  ] as const)("refuses %j with reason %s", (raw, reason) => {
    const result = normalisePhone(raw);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) expect(result.message).not.toBe("");
  });
});
