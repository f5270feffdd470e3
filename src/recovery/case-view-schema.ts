import { z } from "zod";

export const CASE_STEP_KINDS = ["call_reminder", "reschedule_proposal", "gift_prompt", "materials", "buffer_block", "thank_you"] as const;

const person = z.object({ email: z.string(), name: z.string().nullable() });
const range = { start: z.iso.datetime(), end: z.iso.datetime() };

export const caseTaskView = z.object({
  id: z.uuid().nullable().describe("the step's row in the task table; null while the step waits for its trigger"),
  kind: z.enum(CASE_STEP_KINDS),
  status: z.enum(["waiting", "due", "done"]).describe("waiting: its trigger has not happened; due: yours to do now (or being done); done: nothing left"),
  reason: z.string().describe("what the step needs or did, true for its state and time (\"Sent at 2:14 PM\")"),
  problem: z.string().nullable().describe("the service could not do its part (the task's last error)"),
  taskStatus: z.enum(["queued", "running", "done", "failed", "cancelled"]).nullable().describe("the task row's own state"),
  dueAt: z.iso.datetime().nullable(),
  markedDoneAt: z.iso.datetime().nullable().describe("when the user marked the step done themselves"),
});

export const caseView = z
  .object({
    id: z.uuid(),
    meetingId: z.uuid().describe("the missed meeting"),
    status: z.enum(["open", "closed"]).describe("closed by itself once every step is done or not needed, or by POST /api/cases/:id/close"),
    openedAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
    meeting: z.object({ title: z.string(), ...range, timeZone: z.string() }),
    attendees: z.array(person).describe("the other people of the missed meeting"),
    tasks: z.array(caseTaskView).describe("every step of the case, in order"),
    call: z.object({
      phone: z.object({ e164: z.string(), display: z.string(), telUri: z.string().describe("tel: link (RFC 3966)") }).nullable(),
      needsPhone: z.boolean().describe("no number found: ask the user (POST /api/cases/:id/phone)"),
      script: z.array(z.string()).describe("three lines: the point and an apology; the truth, no blame; the offer"),
    }),
    proposal: z.object({ draftId: z.uuid().nullable(), slots: z.array(z.object({ ...range, text: z.string().describe("weekday, date, time and zone") })) }),
    materials: z.object({
      draftId: z.uuid().nullable().describe("the cover note, drafted once a link was added"),
      draftStatus: z.enum(["pending", "approved", "sent", "rejected", "failed"]).nullable(),
      links: z.array(z.object({ url: z.string(), label: z.string().nullable() })).describe("what the note sends (links only: no send path attaches files)"),
      waitsForProposal: z.boolean().describe("the note can be approved only once the proposal was sent (or settled), so the two never cross"),
    }),
    gift: z.object({ title: z.string(), body: z.string(), ideas: z.array(z.string()), likes: z.string().nullable().describe("what the client likes"), note: z.string().nullable() }),
    rescheduled: z.object({ meetingId: z.uuid(), title: z.string(), ...range, cancelled: z.boolean() }).nullable(),
    buffer: z
      .object({ providerEventId: z.string(), ...range, conflicts: z.array(z.object({ meetingId: z.uuid(), title: z.string(), ...range })).describe("other events booked inside the buffer") })
      .nullable(),
    thankYou: z.object({ draftId: z.uuid().nullable(), draftStatus: z.enum(["pending", "approved", "sent", "rejected", "failed"]).nullable(), handwrittenNote: z.string() }),
    proposalStatus: z.enum(["pending", "approved", "sent", "rejected", "failed"]).nullable().describe("the reschedule proposal draft's status"),
    draftIds: z.array(z.uuid()),
  })
  .meta({ id: "RecoveryCase" });
