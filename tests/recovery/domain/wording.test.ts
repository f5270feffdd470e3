import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatSlot } from "../../../src/recovery/domain/format.js";
import { firstName, greeting, joinNames } from "../../../src/recovery/domain/names.js";
import { countApologies, reviewDraft, wordCount } from "../../../src/recovery/domain/review.js";
import type { ProposedSlot } from "../../../src/recovery/domain/slots.js";
import {
  DEFAULT_WHAT_WENT_WRONG,
  bufferBlockText,
  callScript,
  giftPrompt,
  handwrittenNotePrompt,
  rescheduleProposal,
  thankYouNote,
} from "../../../src/recovery/domain/wording.js";
import { lateAlert, suspectedMissedAlert } from "../../../src/alerts/domain/alert-wording.js";
import { lateNotice, latePlan } from "../../../src/recovery/domain/late-notice.js";
import { materialsCoverNote } from "../../../src/recovery/domain/materials-note.js";

const LA = "America/Los_Angeles";

/** Written here, independently of review.ts: words no draft of ours may contain. */
const DENY = [
  "traffic",
  "fault of",
  "idiot",
  "moron",
  "so so sorry",
  "stupid",
  "blame",
  "stuck in",
  "glitch",
  "my assistant",
  "wifi",
  "internet",
  "terrible",
  "forgive me",
  "i beg",
];

function deniedIn(text: string): string[] {
  const lower = text.toLowerCase();
  return DENY.filter((phrase) => lower.includes(phrase));
}

function apologies(text: string): number {
  return (text.match(/\b(sorry|apologi[sz]e[sd]?|apologi[sz]ing|apology|apologies)\b/gi) ?? []).length;
}

function words(text: string): number {
  return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

function slot(startIso: string, minutes = 45, timeZone = LA): ProposedSlot {
  const start = new Date(startIso);
  return { start, end: new Date(start.getTime() + minutes * 60_000), timeZone };
}

const SLOTS = [slot("2026-11-24T18:00:00Z"), slot("2026-11-25T22:00:00Z"), slot("2026-11-26T18:30:00Z")];

describe("names", () => {
  it.each([
    ["Dana Smith", "Dana"],
    ["  Dana   Smith ", "Dana"],
    ["Smith, Dana", "Dana"],
    ["Dana Smith, PhD", "Dana"],
    ["Dr. Dana Smith", "Dr. Smith"],
    ["dr dana smith", "Dr. smith"],
    ["Dana Smith (Acme)", "Dana"],
    ["dana@example.com", undefined],
    ["", undefined],
    [null, undefined],
  ] as const)("firstName(%j) is %j", (name, expected) => {
    expect(firstName(name)).toBe(expected);
  });

  it("joins names with commas and 'and'", () => {
    expect(joinNames(["Dana Smith"])).toBe("Dana");
    expect(joinNames(["Dana Smith", "Lee Wong"])).toBe("Dana and Lee");
    expect(joinNames(["Dana Smith", "Lee Wong", "Sam Park"])).toBe("Dana, Lee and Sam");
    expect(joinNames(["Dana Smith", null, "dana smith", "lee@example.com"])).toBe("Dana");
    expect(joinNames([])).toBeUndefined();
  });

  it("greets by first names, 'Hi,' without any, 'Hi all,' for many", () => {
    expect(greeting(["Dana Smith"])).toBe("Hi Dana,");
    expect(greeting(["Dana Smith", "Lee Wong", "Sam Park"])).toBe("Hi Dana, Lee and Sam,");
    expect(greeting([])).toBe("Hi,");
    expect(greeting([undefined, "ops@example.com"])).toBe("Hi,");
    expect(greeting(["A One", "B Two", "C Three", "D Four", "E Five"])).toBe("Hi all,");
  });
});

describe("callScript", () => {
  it("is exactly three short lines: the point with one apology, the truth without blame, an offer", () => {
    const { lines } = callScript({ attendeeName: "Dana Smith", meetingTitle: "Pricing", userName: "Sam Lee" });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`Hi Dana, it's Sam. I missed our "Pricing" meeting, and I'm sorry.`);
    expect(lines[1]).toMatch(/my mistake/);
    expect(lines[2]).toMatch(/new time/);
    for (const line of lines) expect(words(line)).toBeLessThanOrEqual(16);
    expect(apologies(lines.join(" "))).toBe(1);
    expect(deniedIn(lines.join(" "))).toEqual([]);
  });

  it("works without the attendee's name", () => {
    expect(callScript({ meetingTitle: "", userName: "Sam Lee" }).lines[0]).toBe("Hi, it's Sam. I missed our meeting, and I'm sorry.");
  });
});

describe("lateNotice", () => {
  const start = new Date("2026-11-23T23:10:00Z"); // 3:10 PM PST
  const plan = latePlan({ now: start, start, end: new Date(start.getTime() + 45 * 60_000), minutesLate: 12 });
  const notice = lateNotice({ attendeeNames: ["Dana Smith", "Lee Wong"], meetingTitle: "Pricing", plan, timeZone: LA, userName: "Sam Lee" });

  it("promises the arrival time: the typed minutes plus the margin", () => {
    expect(notice.subject).toBe("Running late, there by 3:25 PM: Pricing");
    expect(notice.body).toContain("I'll be there by 3:25 PM.");
  });

  it("is short, with one apology, no excuses", () => {
    expect(notice.body.startsWith("Hi Dana and Lee,\n\n")).toBe(true);
    expect(words(notice.body)).toBeLessThan(60);
    expect(apologies(notice.body)).toBe(1);
    expect(deniedIn(notice.body)).toEqual([]);
  });
});

describe("rescheduleProposal", () => {
  const base = {
    attendeeNames: ["Dana Smith"],
    meetingTitle: "Q3 review",
    slots: SLOTS,
    timeZone: LA,
    userName: "Sam Lee",
  };

  it("reads as the seeds advise", () => {
    const draft = rescheduleProposal({ ...base, missedAt: new Date("2026-11-22T18:00:00Z"), now: new Date("2026-11-23T18:00:00Z") });
    expect(draft.subject).toBe("Finding a new time for Q3 review");
    expect(draft.body).toBe(
      [
        "Hi Dana,",
        `I'm sorry I missed our "Q3 review" yesterday. ${DEFAULT_WHAT_WENT_WRONG}`,
        "Our conversation matters to me, and I would value the chance to speak with you again. I'm free at these times:",
        [
          "- Tuesday, November 24, 10:00–10:45 AM PST",
          "- Wednesday, November 25, 2:00–2:45 PM PST",
          "- Thursday, November 26, 10:30–11:15 AM PST",
        ].join("\n"),
        "Would any of these work, or is there a time that suits you better? I'll make it work.",
        "Best regards,\nSam Lee",
      ].join("\n\n"),
    );
  });

  it("contains every slot's formatted text, under 120 words, exactly one apology, no blame", () => {
    const { body } = rescheduleProposal(base);
    for (const s of SLOTS) expect(body).toContain(formatSlot(s, LA));
    expect(words(body)).toBeLessThan(120);
    expect(apologies(body)).toBe(1);
    expect(deniedIn(body)).toEqual([]);
    expect(reviewDraft(body, { maxWords: 119 })).toEqual([]);
  });

  it("uses the user's one line about what went wrong", () => {
    const { body } = rescheduleProposal({ ...base, whatWentWrong: "I double-booked the afternoon and didn't catch it" });
    expect(body).toContain(`I'm sorry I missed our "Q3 review". I double-booked the afternoon and didn't catch it.`);
    expect(body).not.toContain(DEFAULT_WHAT_WENT_WRONG);
  });

  it("collapses a multi-line explanation to one line", () => {
    const { body } = rescheduleProposal({ ...base, whatWentWrong: "I misread the time\nin my calendar." });
    expect(body).toContain("I misread the time in my calendar.");
  });

  it.each([
    "I was stuck in traffic on the way.",
    "My assistant forgot to remind me.",
    "I'm so sorry, I am such an idiot.",
    "I apologise again.",
    Array.from({ length: 25 }, () => "word").join(" "),
  ])("falls back to the neutral line for %j", (whatWentWrong) => {
    const { body } = rescheduleProposal({ ...base, whatWentWrong });
    expect(body).toContain(DEFAULT_WHAT_WENT_WRONG);
    expect(deniedIn(body)).toEqual([]);
    expect(apologies(body)).toBe(1);
  });

  it.each([
    ["2026-11-23T17:00:00Z", " earlier today"],
    ["2026-11-22T17:00:00Z", " yesterday"],
    ["2026-11-19T17:00:00Z", " on Thursday"],
    ["2026-11-02T17:00:00Z", " on November 2"],
  ])("says when it was missed (%s)", (missedAt, phrase) => {
    const { body } = rescheduleProposal({ ...base, missedAt: new Date(missedAt), now: new Date("2026-11-23T20:00:00Z") });
    expect(body).toContain(`I'm sorry I missed our "Q3 review"${phrase}.`);
  });

  it("asks openly when no slot is free, and singles out one slot", () => {
    const none = rescheduleProposal({ ...base, slots: [] }).body;
    expect(none).toContain("Would you have any time in the next few days? Tell me what suits you and I'll make it work.");
    const one = rescheduleProposal({ ...base, slots: SLOTS.slice(0, 1) }).body;
    expect(one).toContain("I'm free on:\n\n- Tuesday, November 24, 10:00–10:45 AM PST");
    expect(one).toContain("Would that work, or is there a time that suits you better?");
  });

  it("chooses shorter wording when unusual input would run past 120 words", () => {
    const chicago = SLOTS.map((s) => ({ ...s, timeZone: "America/Chicago" }));
    const whatWentWrong = "I booked two meetings at the same hour and only noticed the clash after it was far too late";
    const longName = Array.from({ length: 30 }, (_, i) => `Name${i}`).join(" ");
    const usual = rescheduleProposal({ ...base, slots: chicago, timeZone: "America/Chicago", whatWentWrong });
    expect(usual.body).toContain(whatWentWrong);
    const unusual = rescheduleProposal({ ...base, slots: chicago, timeZone: "America/Chicago", whatWentWrong, userName: longName });
    expect(words(usual.body + " " + longName)).toBeGreaterThanOrEqual(120);
    expect(unusual.body).toContain(DEFAULT_WHAT_WENT_WRONG);
    expect(words(unusual.body)).toBeLessThan(120);
  });

  it("offers at most three slots", () => {
    const many = [...SLOTS, slot("2026-11-27T18:00:00Z"), slot("2026-11-30T18:00:00Z")];
    const { body } = rescheduleProposal({ ...base, slots: many });
    expect(body.match(/^- /gm)).toHaveLength(3);
  });

  it("writes times in the zone it is given", () => {
    const { body } = rescheduleProposal({ ...base, timeZone: "Asia/Tokyo" });
    expect(body).toContain("- Wednesday, November 25, 3:00–3:45 AM GMT+9");
  });

  it("stays under 120 words with one apology and no blame for any names, titles and slots", () => {
    const word = fc.constantFrom("Alexandria", "Bo", "Quarterly", "planning", "with", "the", "Acme", "team", "and", "partners");
    const phrase = (max: number) => fc.array(word, { maxLength: max }).map((ws) => ws.join(" "));
    const name = fc.oneof(
      phrase(4),
      fc.constant("Dr. Bartholomew Featherstonehaugh"),
      fc.constant("Featherstonehaugh, Bartholomew"),
      fc.constant(null),
    );
    const zone = fc.constantFrom(LA, "America/Chicago", "Asia/Kolkata", "Europe/Berlin", "Asia/Tokyo");
    const slotArb = fc.integer({ min: 0, max: 60 * 24 * 14 }).map((m) => slot(new Date(Date.parse("2026-03-01T00:00:00Z") + m * 60_000).toISOString(), 90));
    fc.assert(
      fc.property(
        fc.record({
          attendeeNames: fc.array(name, { maxLength: 8 }),
          meetingTitle: phrase(20),
          slots: fc.array(slotArb, { maxLength: 5 }),
          timeZone: zone,
          userName: phrase(4),
          whatWentWrong: fc.option(phrase(30), { nil: undefined }),
          missedDaysAgo: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        }),
        (input) => {
          const now = new Date("2026-04-01T12:00:00Z");
          const missedAt = input.missedDaysAgo === undefined ? undefined : new Date(now.getTime() - input.missedDaysAgo * 86_400_000);
          const draft = rescheduleProposal({ ...input, now, ...(missedAt ? { missedAt } : {}) });
          expect(words(draft.body)).toBeLessThan(120);
          expect(apologies(draft.body)).toBe(1);
          expect(deniedIn(draft.body)).toEqual([]);
          for (const s of input.slots.slice(0, 3)) expect(draft.body).toContain(formatSlot(s, input.timeZone));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("late notice limits", () => {
  it("stays under 60 words with one apology and the arrival time, for any names, titles and delays that fit", () => {
    const word = fc.constantFrom("Alexandria", "Bo", "Quarterly", "planning", "with", "Acme", "Dr.");
    const phrase = (max: number) => fc.array(word, { maxLength: max }).map((ws) => ws.join(" "));
    const start = new Date("2026-03-08T16:00:00Z");
    fc.assert(
      fc.property(fc.array(phrase(4), { maxLength: 8 }), phrase(20), fc.integer({ min: 1, max: 240 }), phrase(4), fc.constantFrom(null, "America/New_York", "Asia/Tokyo"), (names, title, late, user, theirs) => {
        const plan = latePlan({ now: start, start, end: new Date(start.getTime() + 400 * 60_000), minutesLate: late });
        const { body } = lateNotice({ attendeeNames: names, meetingTitle: title, plan, timeZone: LA, theirTimeZone: theirs, userName: user });
        expect(words(body)).toBeLessThan(60);
        expect(apologies(body)).toBe(1);
        expect(body).toContain("I'll be there by ");
        expect(reviewDraft(body)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("materials, thanks, gift and buffer", () => {
  const people = { attendeeNames: ["Dana Smith", "Lee Wong"], meetingTitle: "Q3 review", userName: "Sam Lee" };

  it("the materials note names exactly the links it sends, claims no attachment, and does not apologise again", () => {
    const note = materialsCoverNote({ ...people, links: [{ url: "https://docs.example.com/q3-deck", label: "Q3 pricing deck" }] });
    expect(note.subject).toBe("For Q3 review: what we were going to discuss");
    expect(note.body).toMatch(/^Hi Dana and Lee,/);
    expect(note.body).toContain("Here is the link to what we were going to discuss in our \"Q3 review\"");
    expect(note.body).toContain("- Q3 pricing deck: https://docs.example.com/q3-deck");
    expect(note.body.match(/https?:\/\//g)).toHaveLength(1);
    expect(note.body).not.toMatch(/attach|materials I had prepared|enclosed/i);
    expect(apologies(note.body)).toBe(0);
    expect(note.body).not.toMatch(/\b(best in|world-class|leading|award-winning|unmatched)\b/i);
    const two = materialsCoverNote({ ...people, links: [{ url: "https://a.example/x" }, { url: "https://b.example/y", label: "Notes" }] });
    expect(two.body).toContain("Here are links to what");
    expect(two.body).toContain("- https://a.example/x\n- Notes: https://b.example/y");
  });

  it("the thank-you note thanks without revisiting the miss", () => {
    const note = thankYouNote(people);
    expect(note.subject).toBe("Thank you: Q3 review");
    expect(note.body).toMatch(/^Hi Dana and Lee,\n\nThank you for meeting with me today/);
    expect(apologies(note.body)).toBe(0);
    expect(note.body).not.toMatch(/missed/);
  });

  it("reminds the user to write a handwritten note", () => {
    expect(handwrittenNotePrompt({ attendeeName: "Dana Smith", meetingTitle: "Q3 review" })).toMatch(/^Write Dana a short handwritten thank-you note/);
    expect(handwrittenNotePrompt({})).toMatch(/^Write them a short handwritten/);
    // Shown before the new meeting, it must not say "today … by tomorrow".
    const before = handwrittenNotePrompt({ attendeeName: "Dana Smith", meetingOver: false });
    expect(before).toMatch(/^After your new meeting, write Dana/);
    expect(before).not.toMatch(/today|tomorrow/);
  });

  it("the gift prompt offers cookies, a plant or flowers, and uses what the client likes", () => {
    const withLikes = giftPrompt({ attendeeName: "Dana Smith", likes: "sailing." });
    expect(withLikes.title).toBe("Send Dana something small");
    expect(withLikes.body).toContain("cookies, a plant or flowers");
    // Due hours after the proposal went out: it must not say "before asking for another meeting".
    expect(withLikes.body).toMatch(/^While you wait for their answer/);
    expect(withLikes.body).not.toMatch(/before asking/i);
    expect(withLikes.body).toContain("Dana likes sailing:");
    expect(withLikes.ideas).toEqual(["Cookies", "A plant", "Flowers", "Something small for sailing"]);
    const unknown = giftPrompt({ attendeeName: "Dana Smith" });
    expect(unknown.body).toContain("what Dana enjoys (hobbies, travel)");
    expect(unknown.ideas).toEqual(["Cookies", "A plant", "Flowers"]);
  });

  it("the buffer block asks for full attention", () => {
    const buffer = bufferBlockText({ meetingTitle: "Q3 review", minutes: 40 });
    expect(buffer.summary).toBe("Buffer before Q3 review");
    expect(buffer.description).toMatch(/^40 minutes kept clear/);
    expect(buffer.description).toContain("full attention");
  });
});

describe("alerts", () => {
  it("asks 'Running late for X?' with the local start time", () => {
    const alert = lateAlert({ meetingTitle: "Q3 review", minutesSinceStart: 7, start: new Date("2026-11-23T18:00:00Z"), timeZone: LA });
    expect(alert.subject).toBe("Running late for Q3 review?");
    expect(alert.body).toMatch(/^"Q3 review" started at 10:00 AM PST, 7 minutes ago\./);
    expect(alert.body).toContain("let them know now with a realistic time");
    expect(lateAlert({ meetingTitle: "", minutesSinceStart: 1, start: new Date(), timeZone: LA }).body).toMatch(/^Your meeting started at .*, 1 minute ago\./);
  });

  it("asks 'Did you miss X? Are you sure?' before any apology", () => {
    const alert = suspectedMissedAlert({
      meetingTitle: "Q3 review",
      start: new Date("2026-11-23T18:00:00Z"),
      end: new Date("2026-11-23T18:45:00Z"),
      timeZone: LA,
    });
    expect(alert.subject).toBe("Did you miss Q3 review?");
    expect(alert.body).toMatch(/^Are you sure\?/);
    expect(alert.body).toContain("(Mon, Nov 23, 10:00–10:45 AM PST)");
    expect(alert.body).toContain("If you were there, mark it attended.");
  });
});

describe("reviewDraft", () => {
  it("flags blame, self-insult, grovelling, repeated apology and length", () => {
    const findings = reviewDraft("I'm so so sorry, I was stuck in traffic. I'm an idiot. Sorry again.", { maxWords: 10 });
    expect(findings.map((finding) => finding.kind).sort()).toEqual(["blame", "blame", "extra_apology", "grovel", "self_insult", "too_long"]);
    expect(countApologies("Sorry. My apologies. I apologise.")).toBe(3);
    expect(wordCount("- Wednesday, November 25, 10:00–10:45 AM PST")).toBe(6);
  });

  it("matches whole words only", () => {
    expect(reviewDraft("Our apps team will join, as will the systems group.")).toEqual([]);
  });

  it("finds nothing in any draft made here", () => {
    const people = { attendeeNames: ["Dana Smith"], meetingTitle: "Q3 review", userName: "Sam Lee" };
    const texts = [
      callScript({ attendeeName: "Dana Smith", meetingTitle: "Q3 review", userName: "Sam Lee" }).lines.join("\n"),
      lateNotice({ ...people, plan: latePlan({ now: SLOTS[0]!.start, start: SLOTS[0]!.start, end: SLOTS[0]!.end, minutesLate: 12 }), timeZone: LA }).body,
      lateNotice({ ...people, plan: latePlan({ now: SLOTS[0]!.start, start: SLOTS[0]!.start, end: SLOTS[0]!.end, minutesLate: 200 }), timeZone: LA, slots: SLOTS }).body,
      rescheduleProposal({ ...people, slots: SLOTS, timeZone: LA }).body,
      materialsCoverNote({ ...people, links: [{ url: "https://docs.example.com/deck", label: "Deck" }] }).body,
      thankYouNote(people).body,
      handwrittenNotePrompt({ attendeeName: "Dana" }),
      giftPrompt({ attendeeName: "Dana", likes: "golf" }).body,
      bufferBlockText({ meetingTitle: "Q3 review", minutes: 40 }).description,
      lateAlert({ meetingTitle: "Q3 review", minutesSinceStart: 6, start: SLOTS[0]!.start, timeZone: LA }).body,
      suspectedMissedAlert({ meetingTitle: "Q3 review", start: SLOTS[0]!.start, end: SLOTS[0]!.end, timeZone: LA }).body,
    ];
    for (const text of texts) {
      expect(reviewDraft(text)).toEqual([]);
      expect(deniedIn(text)).toEqual([]);
    }
  });
});
