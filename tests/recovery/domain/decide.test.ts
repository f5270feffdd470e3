import { describe, expect, it } from "vitest";
import { caseChanges, decide, type CandidateMeeting, type CaseCommand, type CaseDecision, type CaseEvent, type CaseState } from "../../../src/recovery/domain/index.js";

/**
 * The recovery workflow's policy, read as tables: every event in every state a case can be
 * in when it arrives, including late, out-of-order and repeated events. The shell's side
 * (loading, storing, carrying out) is the scenario tests' business.
 */

const opened = new Date("2026-11-10T16:00:00Z");
const now = new Date("2026-11-10T16:30:00Z");
const hour = 3_600_000;
const at = (ms: number) => new Date(now.getTime() + ms);
const CASE = "c1";
const MISSED = "m-missed";

const queued = (dueAt = opened) => ({ status: "queued" as const, dueAt, lastError: null });
const done = (dueAt = opened) => ({ status: "done" as const, dueAt, lastError: null });

/** Just opened: the opening steps ran, the gift prompt waits for its delay. */
const fresh: CaseState = {
  id: CASE,
  userId: "u1",
  meetingId: MISSED,
  status: "open",
  openedAt: opened,
  closedAt: null,
  rescheduled: null,
  buffer: null,
  stepsDone: {},
  materialsLinks: [],
  tasks: { call_reminder: done(), reschedule_proposal: done(), materials: done(), gift_prompt: queued(at(3 * hour)) },
  drafts: { reschedule: "pending" },
  draftsSentAt: {},
};
const again = { id: "m-again", start: at(24 * hour), end: at(25 * hour) };
/** The rescheduled meeting is linked, tomorrow; the buffer is not placed yet. */
const linked: CaseState = { ...fresh, rescheduled: { ...again, gone: false, attendance: "upcoming" }, tasks: { ...fresh.tasks, buffer_block: queued(now), thank_you: queued(at(25 * hour + 300_000)) } };
const bufferRange = { start: new Date(again.start.getTime() - 40 * 60_000), end: again.start };
const placed: CaseState = { ...linked, buffer: { eventId: "ev-1", ...bufferRange } };
/** It was cancelled; our buffer is still on the calendar. */
const cancelled: CaseState = { ...placed, rescheduled: { ...placed.rescheduled!, gone: true } };
/** It took place and was attended; it is now after its end. */
const held: CaseState = { ...placed, rescheduled: { ...placed.rescheduled!, attendance: "attended" } };
/** Everything settled but the handwritten note. */
const lastStep: CaseState = {
  ...held,
  stepsDone: { call_reminder: opened, gift_prompt: opened },
  tasks: { call_reminder: done(), reschedule_proposal: done(), materials: done(), gift_prompt: done(), buffer_block: done(), thank_you: done() },
  drafts: { reschedule: "sent", materials: "rejected", thank_you: "sent" },
};
const cancelledTask = (dueAt = opened) => ({ status: "cancelled" as const, dueAt, lastError: null });
/** Closed by the user: its queued steps were cancelled. */
const closed: CaseState = { ...placed, status: "closed", closedAt: opened, tasks: { ...placed.tasks, gift_prompt: cancelledTask(), buffer_block: cancelledTask(), thank_you: cancelledTask() } };

const STATES = { fresh, linked, placed, cancelled, held, lastStep, closed } as const;
type StateName = keyof typeof STATES;

const candidate = (overrides: Partial<CandidateMeeting> = {}): CandidateMeeting => ({
  id: again.id,
  start: again.start,
  end: again.end,
  firstSeenAt: now,
  cancelled: false,
  deleted: false,
  free: false,
  isBuffer: false,
  attendeeEmails: ["dana@client.example"],
  attendance: null,
  ...overrides,
});

const EVENTS = {
  miss_confirmed: { type: "miss_confirmed", caseId: "c-new", meetingId: MISSED, userId: "u1", giftDelayMinutes: 180 },
  call_due: { type: "step_due", step: "call_reminder" },
  proposal_due: { type: "step_due", step: "reschedule_proposal" },
  materials_due: { type: "step_due", step: "materials" },
  gift_due: { type: "step_due", step: "gift_prompt" },
  thank_you_due: { type: "thank_you_due", meetingId: again.id, end: again.end },
  calendar_synced: { type: "calendar_synced", externalEmails: ["dana@client.example"], candidates: [candidate()], bufferMinutes: 40 },
  user_linked: { type: "user_linked", meeting: candidate({ id: "m-other" }) },
  buffer_due: { type: "buffer_due", bufferMinutes: 40 },
  buffer_placed: { type: "buffer_placed", eventId: "ev-2", range: bufferRange },
  buffer_removed: { type: "buffer_removed" },
  draft_settled: { type: "draft_settled" },
  materials_approval_asked: { type: "materials_approval_asked" },
  marked_done: { type: "step_marked_done", step: "thank_you" },
  links_set: { type: "materials_links_set", links: [{ url: "https://docs.example.com/deck", label: "Deck" }] },
  user_closed: { type: "user_closed" },
} as const satisfies Record<string, CaseEvent>;
type EventName = keyof typeof EVENTS;

/** A command as one short line: its type and what makes it distinct (a task's kind and key). */
function line(command: CaseCommand): string {
  switch (command.type) {
    case "enqueue":
      return `enqueue ${command.task.kind} ${command.task.key} @${command.task.dueAt.toISOString()}`;
    case "place_buffer":
      return `place_buffer ${command.moveEventId ?? "new"} ${command.range.start.toISOString()}`;
    case "remove_buffer":
      return `remove_buffer ${command.eventId} (${command.reason})`;
    case "warn_buffer_conflicts":
      return `warn_buffer_conflicts ${command.meetingId} ${command.range.start.toISOString()}`;
    case "draft_thank_you":
    case "write_materials_note":
    case "withdraw_materials_note":
    case "remind_call":
    case "draft_reschedule_proposal":
    case "prompt_gift":
      return `${command.type} ${command.key}`;
    case "cancel_queued_steps":
      return command.type;
  }
}

function summary(before: CaseState | null, decision: CaseDecision) {
  return {
    commands: decision.commands.map(line),
    changed: before && decision.next ? Object.keys(caseChanges(before, decision.next)).sort() : decision.next ? ["created"] : [],
    refused: decision.refused?.code ?? null,
  };
}

const nothing = { commands: [], changed: [], refused: null };
const T = (ms: number) => at(ms).toISOString();

/**
 * Every event in every state: what it decides. Rows not listed decide nothing at all (see
 * the test after the table): that absence is part of the policy too.
 */
const TABLE: Partial<Record<StateName, Partial<Record<EventName, ReturnType<typeof summary>>>>> = {
  fresh: {
    call_due: { ...nothing, commands: ["remind_call case:c1:call_reminder"] },
    gift_due: { ...nothing, commands: ["prompt_gift case:c1:gift_prompt"] },
    calendar_synced: {
      ...nothing,
      changed: ["rescheduledMeetingId"],
      commands: [`enqueue buffer_block case:c1:buffer_block:m-again @${T(0)}`, `enqueue thank_you case:c1:thank_you:m-again:${again.end.toISOString()} @${T(25 * hour + 300_000)}`],
    },
    user_linked: {
      ...nothing,
      changed: ["rescheduledMeetingId"],
      commands: [`enqueue buffer_block case:c1:buffer_block:m-other @${T(0)}`, `enqueue thank_you case:c1:thank_you:m-other:${again.end.toISOString()} @${T(25 * hour + 300_000)}`],
    },
    // Out of order (the meeting was unlinked meanwhile): kept, since the event is on the calendar.
    buffer_placed: { ...nothing, changed: ["buffer"] },
    materials_approval_asked: { ...nothing, refused: "proposal_not_sent" },
    marked_done: { ...nothing, changed: ["stepsDone"] },
    links_set: { ...nothing, changed: ["materialsLinks"], commands: ["write_materials_note case:c1:materials"] },
    user_closed: { commands: ["cancel_queued_steps"], changed: ["closedAt", "status"], refused: null },
  },
  linked: {
    call_due: { ...nothing, commands: ["remind_call case:c1:call_reminder"] },
    gift_due: { ...nothing, commands: ["prompt_gift case:c1:gift_prompt"] },
    thank_you_due: { ...nothing, commands: [`enqueue thank_you case:c1:thank_you:m-again:${again.end.toISOString()}:check:${T(600_000)} @${T(600_000)}`] },
    // The first placement is the buffer_block step's: the sync only (re)queues the thank-you, a no-op by its key.
    calendar_synced: { ...nothing, commands: [`enqueue thank_you case:c1:thank_you:m-again:${again.end.toISOString()} @${T(25 * hour + 300_000)}`] },
    user_linked: { ...nothing, refused: "already_linked" },
    buffer_due: { ...nothing, commands: [`place_buffer new ${bufferRange.start.toISOString()}`] },
    buffer_placed: { ...nothing, changed: ["buffer"], commands: [`warn_buffer_conflicts m-again ${bufferRange.start.toISOString()}`] },
    materials_approval_asked: { ...nothing, refused: "proposal_not_sent" },
    marked_done: { ...nothing, changed: ["stepsDone"] },
    links_set: { ...nothing, changed: ["materialsLinks"], commands: ["write_materials_note case:c1:materials"] },
    user_closed: { commands: ["cancel_queued_steps"], changed: ["closedAt", "status"], refused: null },
  },
  placed: {
    call_due: { ...nothing, commands: ["remind_call case:c1:call_reminder"] },
    gift_due: { ...nothing, commands: ["prompt_gift case:c1:gift_prompt"] },
    thank_you_due: { ...nothing, commands: [`enqueue thank_you case:c1:thank_you:m-again:${again.end.toISOString()}:check:${T(600_000)} @${T(600_000)}`] },
    calendar_synced: {
      ...nothing,
      commands: [`warn_buffer_conflicts m-again ${bufferRange.start.toISOString()}`, `enqueue thank_you case:c1:thank_you:m-again:${again.end.toISOString()} @${T(25 * hour + 300_000)}`],
    },
    user_linked: { ...nothing, refused: "already_linked" },
    buffer_placed: { ...nothing, changed: ["buffer"], commands: [`warn_buffer_conflicts m-again ${bufferRange.start.toISOString()}`] },
    buffer_removed: { ...nothing, changed: ["buffer"] },
    materials_approval_asked: { ...nothing, refused: "proposal_not_sent" },
    marked_done: { ...nothing, changed: ["stepsDone"] },
    links_set: { ...nothing, changed: ["materialsLinks"], commands: ["write_materials_note case:c1:materials"] },
    user_closed: { commands: ["cancel_queued_steps"], changed: ["closedAt", "status"], refused: null },
  },
  cancelled: {
    call_due: { ...nothing, commands: ["remind_call case:c1:call_reminder"] },
    gift_due: { ...nothing, commands: ["prompt_gift case:c1:gift_prompt"] },
    calendar_synced: { ...nothing, commands: [`enqueue sync_buffer buffer:c1:m-again:${again.start.toISOString()}:gone:${bufferRange.start.toISOString()} @${T(0)}`] },
    user_linked: { ...nothing, refused: "already_linked" },
    buffer_due: { ...nothing, commands: ["remove_buffer ev-1 (meeting_gone)"] },
    buffer_placed: { ...nothing, changed: ["buffer"], commands: [`warn_buffer_conflicts m-again ${bufferRange.start.toISOString()}`] },
    // The cancelled meeting is unlinked with its buffer: the next one is awaited.
    buffer_removed: { ...nothing, changed: ["buffer", "rescheduledMeetingId"] },
    materials_approval_asked: { ...nothing, refused: "proposal_not_sent" },
    marked_done: { ...nothing, changed: ["stepsDone"] },
    links_set: { ...nothing, changed: ["materialsLinks"], commands: ["write_materials_note case:c1:materials"] },
    user_closed: { commands: ["cancel_queued_steps"], changed: ["closedAt", "status"], refused: null },
  },
  held: {
    call_due: { ...nothing, commands: ["remind_call case:c1:call_reminder"] },
    gift_due: { ...nothing, commands: ["prompt_gift case:c1:gift_prompt"] },
    thank_you_due: { ...nothing, commands: ["draft_thank_you case:c1:thank_you"] },
    calendar_synced: {
      ...nothing,
      commands: [`warn_buffer_conflicts m-again ${bufferRange.start.toISOString()}`, `enqueue thank_you case:c1:thank_you:m-again:${again.end.toISOString()} @${T(25 * hour + 300_000)}`],
    },
    user_linked: { ...nothing, refused: "already_linked" },
    buffer_placed: { ...nothing, changed: ["buffer"], commands: [`warn_buffer_conflicts m-again ${bufferRange.start.toISOString()}`] },
    buffer_removed: { ...nothing, changed: ["buffer"] },
    materials_approval_asked: { ...nothing, refused: "proposal_not_sent" },
    marked_done: { ...nothing, changed: ["stepsDone"] },
    links_set: { ...nothing, changed: ["materialsLinks"], commands: ["write_materials_note case:c1:materials"] },
    user_closed: { commands: ["cancel_queued_steps"], changed: ["closedAt", "status"], refused: null },
  },
  lastStep: {
    call_due: { ...nothing, commands: ["remind_call case:c1:call_reminder"] },
    calendar_synced: {
      ...nothing,
      commands: [`warn_buffer_conflicts m-again ${bufferRange.start.toISOString()}`, `enqueue thank_you case:c1:thank_you:m-again:${again.end.toISOString()} @${T(25 * hour + 300_000)}`],
    },
    user_linked: { ...nothing, refused: "already_linked" },
    buffer_placed: { ...nothing, changed: ["buffer"], commands: [`warn_buffer_conflicts m-again ${bufferRange.start.toISOString()}`] },
    buffer_removed: { ...nothing, changed: ["buffer"] },
    // The last step marked done closes the case in the same decision.
    marked_done: { commands: ["cancel_queued_steps"], changed: ["closedAt", "status", "stepsDone"], refused: null },
    links_set: { ...nothing, changed: ["materialsLinks"], commands: ["write_materials_note case:c1:materials"] },
    user_closed: { commands: ["cancel_queued_steps"], changed: ["closedAt", "status"], refused: null },
  },
  closed: {
    user_linked: { ...nothing, refused: "case_closed" },
    // Already on the calendar: its id is kept so it is never orphaned.
    buffer_placed: { ...nothing, changed: ["buffer"], commands: [`warn_buffer_conflicts m-again ${bufferRange.start.toISOString()}`] },
    buffer_removed: { ...nothing, changed: ["buffer"] },
    materials_approval_asked: { ...nothing, refused: "proposal_not_sent" },
    marked_done: { ...nothing, changed: ["stepsDone"] },
    links_set: { ...nothing, refused: "case_closed" },
  },
};

describe("decide: every event in every state", () => {
  for (const [stateName, state] of Object.entries(STATES) as Array<[StateName, CaseState]>) {
    for (const [eventName, event] of Object.entries(EVENTS) as Array<[EventName, CaseEvent]>) {
      const expected = TABLE[stateName]?.[eventName] ?? nothing;
      it(`${stateName} + ${eventName}`, () => {
        const input = structuredClone(state);
        expect(summary(state, decide(state, event, now))).toEqual(expected);
        // Pure: the state passed in is left as it was.
        expect(state).toEqual(input);
      });
    }
  }

  it("before a case exists, only a confirmed miss opens one: four opening steps, the gift after its delay", () => {
    const decision = decide(null, EVENTS.miss_confirmed, now);
    expect(summary(null, decision)).toEqual({
      changed: ["created"],
      refused: null,
      commands: [
        `enqueue call_reminder case:c-new:call_reminder @${now.toISOString()}`,
        `enqueue reschedule_proposal case:c-new:reschedule_proposal @${now.toISOString()}`,
        `enqueue materials case:c-new:materials @${now.toISOString()}`,
        `enqueue gift_prompt case:c-new:gift_prompt @${T(3 * hour)}`,
      ],
    });
    expect(decision.next).toMatchObject({ id: "c-new", meetingId: MISSED, userId: "u1", status: "open", openedAt: now });
    for (const [name, event] of Object.entries(EVENTS)) if (name !== "miss_confirmed") expect(decide(null, event, now)).toEqual({ next: null, commands: [] });
  });
});

describe("decide: nothing twice", () => {
  /**
   * The same event reported again on the state the first report left: no change to store,
   * no second close, and no command that is not the first one again: keyed commands are
   * no-ops by their key, and a provider call (place, remove) repeats only until its result
   * is reported, which the shell does under the case's buffer lock before the next one.
   */
  for (const [stateName, state] of Object.entries(STATES) as Array<[StateName, CaseState]>) {
    for (const [eventName, event] of Object.entries(EVENTS) as Array<[EventName, CaseEvent]>) {
      it(`${stateName} + ${eventName}, twice`, () => {
        const first = decide(state, event, now);
        const second = decide(first.next, event, now);
        expect(first.next && second.next ? caseChanges(first.next, second.next) : {}).toEqual({});
        expect(second.commands.map(line).filter((command) => !first.commands.map(line).includes(command))).toEqual([]);
        expect(second.commands.map(line)).not.toContain("cancel_queued_steps");
      });
    }
  }

  it("a case opened twice (a second confirmation, a retried opener) opens nothing the second time", () => {
    const first = decide(null, EVENTS.miss_confirmed, now);
    expect(decide(first.next, { ...EVENTS.miss_confirmed, caseId: "c-other" }, at(hour))).toEqual({ next: first.next, commands: [] });
  });

  it("the proposal and the thank-you are drafted once, however often their step comes due", () => {
    const noDraft = { ...fresh, drafts: {} };
    const proposal = decide(noDraft, EVENTS.proposal_due, now);
    expect(proposal.commands.map(line)).toEqual(["draft_reschedule_proposal case:c1:reschedule"]);
    expect(decide(proposal.next, EVENTS.proposal_due, at(60_000)).commands).toEqual([]);
    const thanks = decide(held, EVENTS.thank_you_due, now);
    expect(thanks.commands.map(line)).toEqual(["draft_thank_you case:c1:thank_you"]);
    expect(decide(thanks.next, EVENTS.thank_you_due, at(60_000)).commands).toEqual([]);
  });

  it("a step marked done twice keeps the first time", () => {
    const first = decide(fresh, { type: "step_marked_done", step: "gift_prompt" }, now);
    const second = decide(first.next, { type: "step_marked_done", step: "gift_prompt" }, at(hour));
    expect(second.next!.stepsDone.gift_prompt).toEqual(now);
  });

  it("a buffer reported placed again at the same place stores nothing and warns no more", () => {
    const first = decide(linked, EVENTS.buffer_placed, now);
    expect(decide(first.next, EVENTS.buffer_placed, now)).toEqual({ next: first.next, commands: [] });
  });
});

describe("decide: late and out-of-order events", () => {
  it("a thank-you check for an end the meeting no longer has (it moved), or for a meeting no longer linked, does nothing", () => {
    expect(decide(held, { ...EVENTS.thank_you_due, end: at(hour) }, now).commands).toEqual([]);
    expect(decide(held, { ...EVENTS.thank_you_due, meetingId: "m-old" }, now).commands).toEqual([]);
    expect(decide(cancelled, EVENTS.thank_you_due, now).commands).toEqual([]);
  });

  it("attendance undecided: checked again every ten minutes for a day after the end, then left to the user; missed again: no thank-you", () => {
    const undecided = (attendance: string | null): CaseState => ({ ...placed, rescheduled: { ...placed.rescheduled!, attendance } });
    for (const attendance of [null, "upcoming", "in_progress", "late", "suspected_missed"]) {
      expect(decide(undecided(attendance), EVENTS.thank_you_due, now).commands.map((c) => c.type)).toEqual(["enqueue"]);
    }
    const dayAfterEnd = new Date(again.end.getTime() + 24 * hour);
    expect(decide(undecided("upcoming"), EVENTS.thank_you_due, dayAfterEnd).commands).toEqual([]);
    expect(decide(undecided("missed"), EVENTS.thank_you_due, now).commands).toEqual([]);
    expect(decide(undecided("excused"), EVENTS.thank_you_due, now).commands).toEqual([]);
  });

  it("a gift sent before its suggested time gets no reminder when the prompt comes due", () => {
    expect(decide({ ...fresh, stepsDone: { gift_prompt: opened } }, EVENTS.gift_due, now).commands).toEqual([]);
  });

  it("a buffer task after the meeting moved follows it; after it moved into the past, the buffer still ahead goes", () => {
    const moved: CaseState = { ...placed, rescheduled: { ...placed.rescheduled!, start: at(48 * hour), end: at(49 * hour) } };
    expect(decide(moved, EVENTS.buffer_due, now).commands.map(line)).toEqual([`place_buffer ev-1 ${new Date(at(48 * hour).getTime() - 40 * 60_000).toISOString()}`]);
    const past: CaseState = { ...placed, rescheduled: { ...placed.rescheduled!, start: at(-hour), end: at(-30 * 60_000) } };
    expect(decide(past, EVENTS.buffer_due, now).commands.map(line)).toEqual(["remove_buffer ev-1 (meeting_past)"]);
    // Removed: it stays linked, for the thank-you.
    expect(decide(past, EVENTS.buffer_removed, now).next!.rescheduled?.id).toBe(again.id);
  });

  it("a sync after the linked meeting moved queues a placement keyed by its new time, and the thank-you for its new end", () => {
    const moved: CaseState = { ...placed, rescheduled: { ...placed.rescheduled!, start: at(48 * hour), end: at(49 * hour) } };
    expect(decide(moved, EVENTS.calendar_synced, now).commands.map(line)).toEqual([
      `enqueue sync_buffer buffer:c1:m-again:${T(48 * hour)}:active:${bufferRange.start.toISOString()} @${T(0)}`,
      `enqueue thank_you case:c1:thank_you:m-again:${T(49 * hour)} @${T(49 * hour + 300_000)}`,
    ]);
  });

  it("a cancelled rescheduled meeting with no buffer left is unlinked when its buffer task runs, and the next one can be recognised", () => {
    const gone: CaseState = { ...cancelled, buffer: null };
    const unlinked = decide(gone, EVENTS.buffer_due, now);
    expect(summary(gone, unlinked)).toEqual({ ...nothing, changed: ["rescheduledMeetingId"] });
    const next = decide(unlinked.next, { ...EVENTS.calendar_synced, candidates: [candidate({ id: "m-third", start: at(72 * hour), end: at(73 * hour) })] }, now);
    expect(next.next!.rescheduled?.id).toBe("m-third");
  });

  it("recognising: no shared attendee, or nothing new, links nothing; the user cannot link the missed meeting, a buffer or a cancelled event", () => {
    expect(decide(fresh, { ...EVENTS.calendar_synced, candidates: [candidate({ attendeeEmails: ["someone@else.example"] })] }, now).commands).toEqual([]);
    expect(decide(fresh, { ...EVENTS.calendar_synced, candidates: [] }, now).commands).toEqual([]);
    expect(decide(fresh, { type: "user_linked", meeting: candidate({ id: MISSED }) }, now).refused?.code).toBe("missed_meeting_itself");
    expect(decide(fresh, { type: "user_linked", meeting: candidate({ isBuffer: true }) }, now).refused?.code).toBe("meeting_not_linkable");
    expect(decide(fresh, { type: "user_linked", meeting: candidate({ cancelled: true }) }, now).refused?.code).toBe("meeting_not_linkable");
    // Linking the one already linked is a repeat, not a conflict.
    expect(decide(linked, { type: "user_linked", meeting: candidate() }, now)).toEqual({ next: linked, commands: [] });
  });

  it("materials: frozen once approved; emptied while pending withdraws the note; a rejected note reopens when a link is added", () => {
    expect(decide({ ...fresh, drafts: { materials: "approved" } }, EVENTS.links_set, now).refused?.code).toBe("materials_already_sent");
    const emptied = decide({ ...fresh, drafts: { materials: "pending" }, materialsLinks: EVENTS.links_set.links }, { type: "materials_links_set", links: [] }, now);
    expect(emptied.commands.map(line)).toEqual(["withdraw_materials_note case:c1:materials"]);
    expect(emptied.next!.drafts.materials).toBeUndefined();
    expect(decide({ ...fresh, drafts: { materials: "rejected" } }, { type: "materials_links_set", links: [] }, now).commands).toEqual([]);
    expect(decide({ ...fresh, drafts: { materials: "rejected" } }, EVENTS.links_set, now).commands.map(line)).toEqual(["write_materials_note case:c1:materials"]);
    expect(decide({ ...fresh, drafts: { reschedule: "sent" } }, EVENTS.materials_approval_asked, now).refused).toBeUndefined();
    expect(decide({ ...fresh, stepsDone: { reschedule_proposal: opened } }, EVENTS.materials_approval_asked, now).refused).toBeUndefined();
  });

  it("a case closes by itself only when a step is settled and nothing is left; a step still waiting keeps it open", () => {
    const settledLast = { ...lastStep, stepsDone: { ...lastStep.stepsDone, thank_you: opened } };
    expect(decide(settledLast, EVENTS.draft_settled, now).next).toMatchObject({ status: "closed", closedAt: now });
    expect(decide(settledLast, EVENTS.buffer_placed, now).next).toMatchObject({ status: "closed" });
    // Time passing alone (a thank-you check, a sync) does not close it: only a settled step does.
    expect(decide(settledLast, EVENTS.calendar_synced, now).next!.status).toBe("open");
    expect(decide({ ...settledLast, rescheduled: null, buffer: null }, EVENTS.draft_settled, now).next!.status).toBe("open");
  });

  it("a closed case with a step queued since its close cancels it when closed again; otherwise closing again is nothing", () => {
    const straggler: CaseState = { ...closed, tasks: { ...closed.tasks, thank_you: queued(at(hour)) } };
    expect(decide(straggler, EVENTS.user_closed, now).commands.map(line)).toEqual(["cancel_queued_steps"]);
    expect(decide(closed, EVENTS.user_closed, now)).toEqual({ next: closed, commands: [] });
  });
});
