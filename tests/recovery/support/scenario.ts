import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectJob } from "../../../jobs/detect.js";
import { runJob } from "../../../jobs/run-job.js";
import { FixedClock } from "../../../src/platform/clock.js";
import { formatSlot, wordCount } from "../../../src/recovery/domain/index.js";
import type { CaseView } from "../../../src/recovery/case-service.js";
import type { DraftView } from "../../../src/recovery/drafts/draft-view.js";
import { TaskRunner } from "../../../src/tasks/task-runner.js";
import type { StoredEvent } from "../../emulator/state.js";
import { connectAs, waitForMeeting } from "../../support/connect.js";
import type { CookieClient } from "../../support/cookie-client.js";
import { startHarness, type Harness } from "../../support/service-harness.js";
import { casesOf, draftsOf, eventually, settled, syncNow } from "./recovery-helpers.js";

const MINUTE = 60_000;

export interface ScenarioUser {
  provider: "google" | "microsoft";
  email: string;
  name: string;
  timeZone: string;
  zoneLabel: string;
  other: { email: string; name: string };
  /** where the phone number is written in the missed event */
  phoneIn: "description" | "location";
  phoneText: string;
  phoneE164: string;
  /** busy blocks on the next days, as UTC ISO pairs */
  busy: Array<[string, string]>;
  sendPath: string;
}

/**
 * The whole recovery case against the emulator for one provider, on a clock the test moves:
 * confirm → call reminder → proposal from real free/busy → approve with an edit (twice, two
 * runners) → exactly one message → the new meeting appears → buffer, moved, conflict,
 * cancelled → another new meeting → attended → thank-you draft.
 */
export function wholeCaseScenario(user: ScenarioUser): void {
  describe(`the whole recovery case on ${user.provider}`, () => {
    // Tuesday 2026-11-10, 16:00 UTC.
    const clock = new FixedClock(new Date("2026-11-10T16:00:00Z"));
    let harness: Harness;
    let browser: CookieClient;
    let secondRunner: TaskRunner;
    let recoveryCase: CaseView;
    let proposal: DraftView;
    const missedStart = new Date("2026-11-10T14:00:00Z");
    const missedEnd = new Date("2026-11-10T14:45:00Z");
    const self = { email: user.email, name: user.name, response: "accepted" as const };
    const other = { email: user.other.email, name: user.other.name, response: "accepted" as const };
    const control = () => harness.emulator.control;
    const services = () => harness.service.services;
    const theCase = async () => (await casesOf(browser)).find((c) => c.id === recoveryCase.id)!;
    const newMeeting = (summary: string, start: Date, end: Date): StoredEvent =>
      control().createEvent(
        user.email,
        {
          summary,
          start: start.toISOString(),
          end: end.toISOString(),
          attendees: [self, other],
          organizer: { email: user.email, name: user.name },
          ...(user.provider === "google" ? { meet: true } : { teams: true }),
        },
        user.provider,
      );

    beforeAll(async () => {
      harness = await startHarness({ clock });
      control().addUser({ provider: user.provider, email: user.email, name: user.name });
      control().addUser({ provider: user.provider, email: user.other.email, name: user.other.name });
      control().createEvent(
        user.email,
        {
          summary: "Pricing review",
          start: missedStart.toISOString(),
          end: missedEnd.toISOString(),
          attendees: [self, other],
          organizer: { email: user.email, name: user.name },
          ...(user.phoneIn === "description" ? { description: `Agenda: pricing for 2027\n${user.phoneText}` } : { location: user.phoneText }),
        },
        user.provider,
      );
      for (const [start, end] of user.busy) control().createEvent(user.email, { summary: "Busy block", start, end }, user.provider);
      browser = await connectAs(harness, user.provider, user.email);
      const settings = await browser.json("/api/settings", {
        method: "PUT",
        body: JSON.stringify({ timeZone: user.timeZone, workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }, bufferMinutes: 40 }),
      });
      expect(settings.status).toBe(200);
      secondRunner = new TaskRunner({ db: services().db, databaseUrl: services().databaseUrl, handlers: services().taskHandlers, clock, log: harness.logs.log, concurrency: 2, pollMs: 200 });
      await secondRunner.start();
    }, 60_000);

    afterAll(async () => {
      await secondRunner?.stop(1000);
      await harness?.close();
    });

    it("confirming the miss (twice) opens one case; the call reminder carries the number from the event as a tel: link", async () => {
      const missed = await waitForMeeting(browser, "Pricing review", (m) => m.state === "suspected_missed", 15_000);
      for (let i = 0; i < 2; i += 1) {
        const reply = await browser.json(`/api/meetings/${missed.id}/confirm`, { method: "POST", body: JSON.stringify({ missed: true }) });
        expect(reply.status).toBe(200);
      }
      recoveryCase = await eventually(async () => {
        const cases = await casesOf(browser);
        const found = cases.find((c) => c.meetingId === missed.id);
        return found && found.proposal.draftId && found.call.phone ? found : undefined;
      }, "the case with its first steps");
      expect((await casesOf(browser)).filter((c) => c.meetingId === missed.id)).toHaveLength(1);
      expect(await services().db.recoveryCase.count({ where: { meetingId: missed.id } })).toBe(1);
      expect(recoveryCase.call.phone).toMatchObject({ e164: user.phoneE164, telUri: `tel:${user.phoneE164}` });
      expect(recoveryCase.call.script).toHaveLength(3);
      expect(recoveryCase.call.script.join(" ")).not.toMatch(/traffic|fault|blame/i);
      const steps = Object.fromEntries(recoveryCase.tasks.map((t) => [t.kind, t]));
      expect(Object.keys(steps)).toEqual(["call_reminder", "reschedule_proposal", "gift_prompt", "materials", "buffer_block", "thank_you"]);
      expect(steps["call_reminder"]).toMatchObject({ status: "due" });
      expect(steps["reschedule_proposal"]).toMatchObject({ status: "due" });
      expect(steps["gift_prompt"]).toMatchObject({ status: "waiting", dueAt: new Date(clock.now().getTime() + 180 * MINUTE).toISOString() });
      // Materials: a reminder, and no cover note until the user adds something to send.
      expect(steps["materials"]).toMatchObject({ status: "due", reason: expect.stringMatching(/^Add a link/) });
      expect(recoveryCase.materials.draftId).toBeNull();
      expect(steps["buffer_block"]).toMatchObject({ status: "waiting", id: null });
      expect(steps["thank_you"]).toMatchObject({ status: "waiting", id: null });
      const alerts = await services().db.alert.findMany({ where: { userId: (await services().db.recoveryCase.findUniqueOrThrow({ where: { id: recoveryCase.id } })).userId, kind: "reminder" } });
      expect(alerts.map((a) => a.title).join(" ")).toContain("Call");
    });

    it("the proposal offers slots of the meeting's length from real free/busy, in working hours and the user's zone, on different days", async () => {
      const slots = recoveryCase.proposal.slots;
      expect(slots.length).toBeGreaterThanOrEqual(2);
      const days = new Set<string>();
      for (const slot of slots) {
        const start = new Date(slot.start);
        const end = new Date(slot.end);
        expect(end.getTime() - start.getTime()).toBe(45 * MINUTE);
        expect(start.getTime()).toBeGreaterThan(clock.now().getTime());
        const local = DateTime.fromJSDate(start, { zone: user.timeZone });
        const localEnd = DateTime.fromJSDate(end, { zone: user.timeZone });
        expect(local.weekday).toBeLessThanOrEqual(5);
        expect(local.hour * 60 + local.minute).toBeGreaterThanOrEqual(9 * 60);
        expect(localEnd.hour * 60 + localEnd.minute).toBeLessThanOrEqual(17 * 60);
        days.add(local.toISODate()!);
        for (const [busyStart, busyEnd] of user.busy) {
          const overlaps = start.getTime() < Date.parse(busyEnd) && end.getTime() > Date.parse(busyStart);
          expect(overlaps).toBe(false);
        }
      }
      expect(days.size).toBe(slots.length);
      // The free/busy came from the provider, not from our own table.
      expect(control().requests({ method: "POST", pathPrefix: user.provider === "google" ? "/calendar/v3/freeBusy" : "/v1.0/me/calendar/getSchedule" }).length).toBeGreaterThanOrEqual(1);

      proposal = (await draftsOf(browser)).find((d) => d.id === recoveryCase.proposal.draftId)!;
      expect(proposal).toMatchObject({ kind: "reschedule", caseId: recoveryCase.id, status: "pending", to: [user.other.email], sentAt: null });
      expect(wordCount(proposal.body)).toBeLessThan(120);
      for (const slot of slots) expect(proposal.body).toContain(formatSlot({ start: new Date(slot.start), end: new Date(slot.end) }, user.timeZone));
      expect(proposal.body).toContain(user.zoneLabel);
      expect(proposal.body).toMatch(/Monday|Tuesday|Wednesday|Thursday|Friday/);
      expect(control().sentMail()).toHaveLength(0);
    });

    it("approving with an edit, twice and with two task runners, sends exactly one message with the edited text from the user's mailbox", async () => {
      const edited = `${proposal.body}\n\nP.S. I can also come to your office if that is easier.`;
      const approve = () => browser.json<DraftView>(`/api/drafts/${proposal.id}/approve`, { method: "POST", body: JSON.stringify({ body: edited }) });
      const replies = await Promise.all([approve(), approve()]);
      for (const reply of replies) expect(reply.status).toBe(200);
      expect((await approve()).status).toBe(200);
      const sent = await eventually(async () => {
        const draft = (await draftsOf(browser)).find((d) => d.id === proposal.id)!;
        return draft.status === "sent" ? draft : undefined;
      }, "the proposal to be sent");
      await settled(harness, clock);
      const mail = control().sentMail();
      expect(mail).toHaveLength(1);
      expect(mail[0]).toMatchObject({ provider: user.provider, accountEmail: user.email, to: [user.other.email], subject: proposal.subject, messageId: sent.messageId });
      expect(mail[0]!.body.replace(/\r\n/g, "\n")).toContain("P.S. I can also come to your office if that is easier.");
      expect(mail[0]!.body).toContain(user.zoneLabel);
      expect(sent.body).toBe(edited);
      expect(control().requests({ method: "POST", pathPrefix: user.sendPath })).toHaveLength(1);
      expect(await services().db.task.count({ where: { kind: "send_draft" } })).toBe(1);
      // An approved draft can no longer be edited.
      const late = await browser.json(`/api/drafts/${proposal.id}/approve`, { method: "POST", body: JSON.stringify({ body: "something else" }) });
      expect(late.status).toBe(409);
    });

    let rescheduled: StoredEvent;
    let bufferStart: Date;

    it("the rescheduled meeting appears: recognised by its attendee, and a marked buffer is created right before it", async () => {
      const [first] = recoveryCase.proposal.slots;
      rescheduled = newMeeting("Pricing review, take two", new Date(first!.start), new Date(first!.end));
      await syncNow(harness, user.email, clock, "rescheduled-appears");
      const withBuffer = await eventually(async () => {
        const found = await theCase();
        return found.buffer ? found : undefined;
      }, "the buffer to be placed");
      expect(withBuffer.rescheduled).toMatchObject({ title: "Pricing review, take two", start: first!.start });
      bufferStart = new Date(Date.parse(first!.start) - 40 * MINUTE);
      expect(withBuffer.buffer).toMatchObject({ start: bufferStart.toISOString(), end: first!.start, conflicts: [] });
      expect(withBuffer.tasks.find((t) => t.kind === "buffer_block")).toMatchObject({ status: "done" });
      // Synced back, the buffer is recognised by its private marker and never treated as a meeting.
      await syncNow(harness, user.email, clock, "buffer-synced");
      const row = await eventually(
        () => services().db.meeting.findFirst({ where: { providerEventId: withBuffer.buffer!.providerEventId }, include: { attendees: true } }),
        "the buffer event to sync back",
      );
      expect(row).toMatchObject({ isBuffer: true, watched: false, state: null, start: bufferStart, end: new Date(first!.start) });
      expect(row.attendees).toHaveLength(0);
      expect(row.title).toContain("Buffer before");
    });

    it("when the rescheduled meeting moves, the buffer moves with it", async () => {
      const start = new Date(Date.parse(recoveryCase.proposal.slots[0]!.start) + 60 * MINUTE);
      const end = new Date(start.getTime() + 45 * MINUTE);
      control().updateEvent(user.email, rescheduled.id, { start: start.toISOString(), end: end.toISOString() }, user.provider);
      await syncNow(harness, user.email, clock, "rescheduled-moves");
      const moved = await eventually(async () => {
        const found = await theCase();
        return found.buffer?.end === start.toISOString() ? found : undefined;
      }, "the buffer to move");
      bufferStart = new Date(start.getTime() - 40 * MINUTE);
      expect(moved.buffer!.start).toBe(bufferStart.toISOString());
      await syncNow(harness, user.email, clock, "moved-buffer-synced");
      await eventually(
        async () => (await services().db.meeting.findFirst({ where: { providerEventId: moved.buffer!.providerEventId, start: bufferStart } })) !== null,
        "the moved buffer on the calendar",
      );
    });

    it("something booked inside the buffer raises a buffer_conflict alert", async () => {
      control().createEvent(
        user.email,
        { summary: "Dentist", start: new Date(bufferStart.getTime() + 10 * MINUTE).toISOString(), end: new Date(bufferStart.getTime() + 25 * MINUTE).toISOString() },
        user.provider,
      );
      await syncNow(harness, user.email, clock, "conflict");
      const alert = await eventually(async () => {
        const reply = await browser.json<{ alerts: Array<{ kind: string; title: string }> }>("/api/alerts");
        return reply.body.alerts.find((a) => a.kind === "buffer_conflict");
      }, "a buffer_conflict alert");
      expect(alert.title).toContain("Dentist");
      expect((await theCase()).buffer!.conflicts.map((c) => c.title)).toEqual(["Dentist"]);
    });

    it("when the rescheduled meeting is cancelled, the buffer is removed", async () => {
      const bufferId = (await theCase()).buffer!.providerEventId;
      control().cancelEvent(user.email, rescheduled.id, user.provider);
      await syncNow(harness, user.email, clock, "rescheduled-cancelled");
      const cleared = await eventually(async () => {
        const found = await theCase();
        return found.buffer === null && found.rescheduled === null ? found : undefined;
      }, "the buffer to be removed");
      expect(cleared.tasks.find((t) => t.kind === "buffer_block")).toMatchObject({ status: "waiting" });
      const deletes = control().requests({ method: "DELETE" }).filter((r) => r.path.includes(bufferId));
      expect(deletes).toHaveLength(1);
    });

    it("a new meeting with them appears, is attended (conference evidence), and a thank-you draft follows", async () => {
      const second = recoveryCase.proposal.slots[1]!;
      const start = new Date(second.start);
      const end = new Date(second.end);
      const event = newMeeting("Pricing review, at last", start, end);
      await syncNow(harness, user.email, clock, "another-reschedule");
      await eventually(async () => ((await theCase()).buffer?.end === start.toISOString() ? true : undefined), "the buffer before the new meeting");

      if (user.provider === "google") {
        control().addConferenceRecord({
          owner: user.email,
          meetingCode: event.meetCode!,
          startTime: start.toISOString(),
          endTime: end.toISOString(),
          participants: [
            { email: user.email, joinTime: new Date(start.getTime() - 2 * MINUTE).toISOString(), leaveTime: end.toISOString() },
            { email: user.other.email, joinTime: start.toISOString(), leaveTime: end.toISOString() },
          ],
        });
      } else {
        control().addTeamsAttendance({
          organizer: user.email,
          joinWebUrl: event.teamsJoinUrl!,
          meetingStart: start.toISOString(),
          meetingEnd: end.toISOString(),
          records: [
            { email: user.email, role: "Organizer", joinTime: new Date(start.getTime() - 2 * MINUTE).toISOString(), leaveTime: end.toISOString() },
            { email: user.other.email, joinTime: start.toISOString(), leaveTime: end.toISOString() },
          ],
        });
      }
      clock.set(new Date(end.getTime() + 15 * MINUTE));
      await syncNow(harness, user.email, clock, "after-the-meeting");
      await runJob(detectJob, { ...services(), signal: new AbortController().signal }, { waitForLock: true });
      await waitForMeeting(browser, "Pricing review, at last", (m) => m.state === "attended", 20_000);

      const thankYou = await eventually(
        async () => (await draftsOf(browser)).find((d) => d.kind === "thank_you" && d.caseId === recoveryCase.id),
        "the thank-you draft",
        // Attendance may have been read after the first look: the step looks again ten minutes later.
        { timeout: 30_000, onSlow: () => clock.advance(11 * MINUTE) },
      );
      expect(thankYou).toMatchObject({ status: "pending", to: [user.other.email] });
      expect(thankYou.body).toMatch(/thank you/i);
      const finalCase = await theCase();
      expect(finalCase.tasks.find((t) => t.kind === "thank_you")).toMatchObject({ status: "due" });
      expect(finalCase.thankYou).toMatchObject({ draftId: thankYou.id });
      expect(finalCase.thankYou.handwrittenNote).toMatch(/handwritten/);
      // Hours later the gift prompt came due too.
      expect(finalCase.tasks.find((t) => t.kind === "gift_prompt")).toMatchObject({ status: "due" });
      // Still exactly one message sent: drafts wait for approval.
      expect(control().sentMail()).toHaveLength(1);
    }, 60_000);
  });
}
