import type { Database, Prisma } from "../platform/index.js";
import type { Clock } from "../platform/index.js";
import { AppError, NotFoundError } from "../platform/index.js";
import type { DraftView } from "./drafts/draft-view.js";
import { caseFactsInclude, latestStepTasks, materialsLinksOf, stepFactsOf } from "./case-facts.js";
import { closeCase } from "./close-case.js";
import { caseSteps, checkLink, materialsCoverNote, MAX_LINK_LABEL_LENGTH, MAX_MATERIALS_LINKS, formatSlotForBoth, giftPrompt, handwrittenNotePrompt, proposalSettled, normalisePhone, type CaseStepKind, type StepView } from "./domain/index.js";
import { storeDraft } from "./drafts/draft-store.js";
import { applyCaseEvent, refusalError } from "./apply-case-event.js";
import { candidateOf } from "./match-reschedule.js";
import { otherAttendees } from "./recovery-deps.js";
import { phoneView, scriptFor } from "./steps/call-reminder.js";
import { storedSlots } from "./steps/reschedule-proposal.js";

const caseListInclude = {
  ...caseFactsInclude,
  user: { include: { settings: true } },
  meeting: { include: { attendees: true, calendar: true, connection: true } },
} satisfies Prisma.RecoveryCaseInclude;

type CaseRow = Prisma.RecoveryCaseGetPayload<{ include: typeof caseListInclude }>;

export interface CaseTaskView extends StepView {
  /** the task row of the step; null while the step waits for its trigger (no row yet) */
  id: string | null;
  /** the task row's own state in the task table */
  taskStatus: "queued" | "running" | "done" | "failed" | "cancelled" | null;
  dueAt: string | null;
  /** when the user marked this step done themselves */
  markedDoneAt: string | null;
}

export interface CaseView {
  id: string;
  meetingId: string;
  /** closed by itself once every step is done or not needed, or by the user's hand */
  status: "open" | "closed";
  openedAt: string;
  closedAt: string | null;
  meeting: { title: string; start: string; end: string; timeZone: string };
  attendees: Array<{ email: string; name: string | null }>;
  tasks: CaseTaskView[];
  call: { phone: { e164: string; display: string; telUri: string } | null; needsPhone: boolean; script: string[] };
  proposal: { draftId: string | null; slots: Array<{ start: string; end: string; text: string }> };
  materials: { draftId: string | null; draftStatus: DraftView["status"] | null; links: Array<{ url: string; label: string | null }>; waitsForProposal: boolean };
  gift: { title: string; body: string; ideas: string[]; likes: string | null; note: string | null };
  rescheduled: { meetingId: string; title: string; start: string; end: string; cancelled: boolean } | null;
  buffer: { providerEventId: string; start: string; end: string; conflicts: Array<{ meetingId: string; title: string; start: string; end: string }> } | null;
  thankYou: { draftId: string | null; draftStatus: DraftView["status"] | null; handwrittenNote: string };
  proposalStatus: DraftView["status"] | null;
  draftIds: string[];
}

/** Steps the user can mark done themselves (the others finish when their draft is decided or the buffer placed). */
export const USER_DONE_STEPS = ["call_reminder", "reschedule_proposal", "gift_prompt", "materials", "thank_you"] as const satisfies readonly CaseStepKind[];

/**
 * Recovery cases as the dashboard shows them, and what the user adds to them: the number to
 * call, what the client likes, the rescheduled meeting linked by hand, a step done. Scoped to
 * the signed-in user; another user's case is "not found".
 */
export class CaseService {
  constructor(private readonly deps: { db: Database; clock: Clock }) {}

  async list(userId: string, options: { status?: "open" | "closed" | undefined; ids?: string[] } = {}): Promise<CaseView[]> {
    // Prisma reads the case and each included relation with separate statements: one snapshot
    // keeps a step's writes together (the proposal's slots on the case and its draft, say).
    const rows = await this.deps.db.$transaction(
      (tx) =>
        tx.recoveryCase.findMany({
          where: { userId, ...(options.status ? { status: options.status } : {}), ...(options.ids ? { id: { in: options.ids } } : {}) },
          include: caseListInclude,
          orderBy: [{ openedAt: "desc" }, { id: "desc" }],
          take: 100,
        }),
      { isolationLevel: "RepeatableRead" },
    );
    const emails = rows.flatMap((row) => otherAttendees(row.meeting).slice(0, 1).map((p) => p.email));
    const notes = await this.deps.db.contactNote.findMany({ where: { userId, email: { in: emails } } });
    const likes = new Map(notes.map((note) => [note.email, note.likes]));
    const views: CaseView[] = [];
    for (const row of rows) views.push(await this.view(row, likes));
    return views;
  }

  async get(userId: string, caseId: string): Promise<CaseView> {
    const [view] = await this.list(userId, { ids: [caseId] });
    if (!view) throw new NotFoundError("Recovery case", caseId);
    return view;
  }

  /** The number to call, typed by the user when none was found (or a better one). */
  async setPhone(userId: string, caseId: string, raw: string): Promise<CaseView> {
    const row = await this.owned(userId, caseId);
    const parsed = normalisePhone(raw);
    if (!parsed.ok) throw new AppError(`body/phone: ${parsed.message}`, { code: "validation_failed", httpStatus: 400 });
    const [first] = otherAttendees(row.meeting);
    await this.deps.db.$transaction(async (tx) => {
      await tx.recoveryCase.update({ where: { id: caseId }, data: { phone: parsed.e164 } });
      if (first) await tx.contactNote.upsert({ where: { userId_email: { userId, email: first.email } }, create: { userId, email: first.email, phone: parsed.e164 }, update: { phone: parsed.e164 } });
    });
    return this.get(userId, caseId);
  }

  /** What the client likes (kept on the contact, for this and later cases) and a note about the gift. */
  async setNotes(userId: string, caseId: string, notes: { likes?: string | null | undefined; giftNote?: string | null | undefined }): Promise<CaseView> {
    const row = await this.owned(userId, caseId);
    const [first] = otherAttendees(row.meeting);
    await this.deps.db.$transaction(async (tx) => {
      if (notes.giftNote !== undefined) await tx.recoveryCase.update({ where: { id: caseId }, data: { giftNote: notes.giftNote } });
      if (notes.likes !== undefined && first) {
        await tx.contactNote.upsert({ where: { userId_email: { userId, email: first.email } }, create: { userId, email: first.email, likes: notes.likes }, update: { likes: notes.likes } });
      }
    });
    return this.get(userId, caseId);
  }

  /**
   * What the user wants to send with the materials step: links (http/https, with an optional
   * label), the whole list at once. The cover note is drafted from exactly these, redrafted
   * while it is pending, and removed when the list is emptied; once approved it no longer
   * changes. Files are not offered: not every send path (Gmail raw MIME, Graph sendMail, SMTP)
   * carries them here, and a note must never claim an attachment.
   */
  async setMaterialsLinks(userId: string, caseId: string, links: ReadonlyArray<{ url: string; label?: string | null | undefined }>): Promise<CaseView> {
    const row = await this.owned(userId, caseId);
    const now = this.deps.clock.now();
    if (links.length > MAX_MATERIALS_LINKS) throw new AppError(`body/links: at most ${MAX_MATERIALS_LINKS} links`, { code: "validation_failed", httpStatus: 400 });
    const clean = links.map((link, index) => {
      const checked = checkLink(link.url);
      if (!checked.ok) throw new AppError(`body/links/${index}/url: ${checked.message}`, { code: "validation_failed", httpStatus: 400 });
      const label = (link.label ?? "").replace(/\s+/g, " ").trim();
      return { url: checked.url, label: label === "" ? null : label.slice(0, MAX_LINK_LABEL_LENGTH) };
    });
    const people = otherAttendees(row.meeting);
    await this.deps.db.$transaction(async (tx) => {
      const applied = await applyCaseEvent(tx, caseId, { type: "materials_links_set", links: clean }, now);
      if (applied?.decision.refused) throw refusalError(applied.decision.refused);
      for (const command of applied?.pending ?? []) {
        if (command.type === "withdraw_materials_note") await tx.draft.deleteMany({ where: { idempotencyKey: command.key, status: "pending" } });
        if (command.type !== "write_materials_note") continue;
        const text = materialsCoverNote({ attendeeNames: people.map((p) => p.name), meetingTitle: row.meeting.title, userName: row.user.name ?? "", links: command.links });
        const existing = await tx.draft.findUnique({ where: { idempotencyKey: command.key } });
        if (existing) {
          // A rejected note comes back to pending: adding a link again is a new decision to send.
          await tx.draft.update({ where: { id: existing.id }, data: { subject: text.subject, body: text.body, status: "pending", rejectedAt: null } });
        } else {
          await storeDraft(tx, { userId, caseId, meetingId: row.meetingId, kind: "materials", to: people.map((p) => p.email), subject: text.subject, body: text.body, idempotencyKey: command.key }, now);
        }
      }
    });
    return this.get(userId, caseId);
  }

  /** Links the rescheduled meeting by hand (when it was not recognised). */
  async link(userId: string, caseId: string, meetingId: string): Promise<CaseView> {
    const now = this.deps.clock.now();
    const row = await this.owned(userId, caseId);
    if (row.rescheduledMeetingId === meetingId) return this.get(userId, caseId);
    const meeting = await this.deps.db.meeting.findFirst({ where: { id: meetingId, userId } });
    if (!meeting) throw new NotFoundError("Meeting", meetingId);
    await this.deps.db.$transaction(async (tx) => {
      const applied = await applyCaseEvent(tx, caseId, { type: "user_linked", meeting: candidateOf(meeting) }, now);
      if (applied?.decision.refused) throw refusalError(applied.decision.refused);
    });
    return this.get(userId, caseId);
  }

  /** Marks a step done; when it was the last one, the case closes in the same transaction. */
  async markDone(userId: string, caseId: string, kind: (typeof USER_DONE_STEPS)[number]): Promise<CaseView> {
    await this.owned(userId, caseId);
    const now = this.deps.clock.now();
    // Decided under the case's lock, so two steps marked at once both land in stepsDone.
    await this.deps.db.$transaction((tx) => applyCaseEvent(tx, caseId, { type: "step_marked_done", step: kind }, now));
    return this.get(userId, caseId);
  }

  /** The user closes the case (done with it, or the client never rescheduled); idempotent. */
  async close(userId: string, caseId: string): Promise<CaseView> {
    await this.owned(userId, caseId);
    const now = this.deps.clock.now();
    await this.deps.db.$transaction((tx) => closeCase(tx, caseId, now));
    return this.get(userId, caseId);
  }

  private async owned(userId: string, caseId: string) {
    const row = await this.deps.db.recoveryCase.findFirst({ where: { id: caseId, userId }, include: { user: true, meeting: { include: { attendees: true, connection: true } } } });
    if (!row) throw new NotFoundError("Recovery case", caseId);
    return row;
  }

  private async view(row: CaseRow, likes: ReadonlyMap<string, string | null>): Promise<CaseView> {
    const now = this.deps.clock.now();
    const timeZone = row.user.settings?.timeZone ?? row.meeting.timeZone;
    const people = otherAttendees(row.meeting);
    const first = people[0];
    const latest = latestStepTasks(row.tasks);
    const draftOf = (kind: "reschedule" | "materials" | "thank_you") => row.drafts.filter((d) => d.kind === kind).at(-1);
    const facts = stepFactsOf(row, now);
    const tasks: CaseTaskView[] = caseSteps(facts).map((step) => {
      const task = latest.get(step.kind);
      return { ...step, id: task?.id ?? null, taskStatus: task?.status ?? null, dueAt: task?.dueAt.toISOString() ?? null, markedDoneAt: facts.stepsDone[step.kind]?.toISOString() ?? null };
    });
    const slots = storedSlots.safeParse(row.proposedSlots ?? []);
    const contactLikes = first ? (likes.get(first.email) ?? null) : null;
    const gift = giftPrompt({ attendeeName: first?.name, ...(contactLikes ? { likes: contactLikes } : {}) });
    const phone = phoneView(row.phone);
    let buffer: CaseView["buffer"] = null;
    if (row.bufferEventId && row.bufferStart && row.bufferEnd) {
      const overlapping = await this.deps.db.meeting.findMany({
        where: { userId: row.userId, id: { not: row.rescheduledMeetingId ?? undefined }, isBuffer: false, isCancelled: false, isFree: false, isAllDay: false, deletedAt: null, start: { lt: row.bufferEnd }, end: { gt: row.bufferStart } },
        select: { id: true, title: true, start: true, end: true },
      });
      buffer = {
        providerEventId: row.bufferEventId,
        start: row.bufferStart.toISOString(),
        end: row.bufferEnd.toISOString(),
        conflicts: overlapping.map((m) => ({ meetingId: m.id, title: m.title, start: m.start.toISOString(), end: m.end.toISOString() })),
      };
    }
    return {
      id: row.id,
      meetingId: row.meetingId,
      status: row.status,
      openedAt: row.openedAt.toISOString(),
      closedAt: row.closedAt?.toISOString() ?? null,
      meeting: { title: row.meeting.title, start: row.meeting.start.toISOString(), end: row.meeting.end.toISOString(), timeZone: row.meeting.timeZone },
      attendees: people,
      tasks,
      call: { phone, needsPhone: phone === null, script: [...scriptFor(row)] },
      proposal: {
        draftId: draftOf("reschedule")?.id ?? null,
        slots: slots.success ? slots.data.map((slot) => ({ start: slot.start.toISOString(), end: slot.end.toISOString(), text: formatSlotForBoth(slot, slot.timeZone || timeZone, row.meeting.isOrganizer ? null : row.meeting.timeZone) })) : [],
      },
      materials: {
        draftId: draftOf("materials")?.id ?? null,
        draftStatus: draftOf("materials")?.status ?? null,
        links: materialsLinksOf(row.materialsLinks).map((link) => ({ url: link.url, label: link.label ?? null })),
        waitsForProposal: !proposalSettled(facts),
      },
      gift: { title: gift.title, body: gift.body, ideas: gift.ideas, likes: contactLikes, note: row.giftNote },
      rescheduled: row.rescheduled
        ? { meetingId: row.rescheduled.id, title: row.rescheduled.title, start: row.rescheduled.start.toISOString(), end: row.rescheduled.end.toISOString(), cancelled: row.rescheduled.isCancelled || row.rescheduled.deletedAt !== null }
        : null,
      buffer,
      thankYou: {
        draftId: draftOf("thank_you")?.id ?? null,
        draftStatus: draftOf("thank_you")?.status ?? null,
        handwrittenNote: handwrittenNotePrompt({ attendeeName: first?.name, meetingTitle: row.meeting.title, meetingOver: draftOf("thank_you") !== undefined }),
      },
      proposalStatus: draftOf("reschedule")?.status ?? null,
      draftIds: row.drafts.map((d) => d.id),
    };
  }
}
