import { z } from "zod";
import { raiseAlert } from "../../alerts/index.js";
import { defineTask } from "../../tasks/index.js";
import { callScript, findPhoneNumbers, firstName, normalisePhone, type PhoneCandidate } from "../domain/index.js";
import { stepDecided } from "../step-due.js";
import { loadCase, otherAttendees, userName, type LoadedCase, type MeetingPeople, type RecoveryDependencies } from "../recovery-deps.js";

export const CALL_REMINDER = "call_reminder";

/**
 * Where the number to call comes from, in priority order: the event's description and
 * location (people write "Dana's cell: …" there), the attendees' details as the calendar
 * gives them (display names sometimes carry a number), then the user's own contact notes.
 */
export function phoneSources(recoveryCase: LoadedCase, notes: readonly { email: string; phone: string | null }[]): string[] {
  const people = otherAttendees(recoveryCase.meeting);
  const wanted = new Set(people.map((p) => p.email));
  return [
    recoveryCase.meeting.description ?? "",
    recoveryCase.meeting.location ?? "",
    ...people.map((p) => p.name ?? ""),
    ...notes.filter((n) => wanted.has(n.email.toLowerCase())).map((n) => n.phone ?? ""),
  ];
}

export async function findPhone(deps: Pick<RecoveryDependencies, "db">, recoveryCase: LoadedCase): Promise<PhoneCandidate | undefined> {
  const emails = otherAttendees(recoveryCase.meeting).map((p) => p.email);
  const notes = await deps.db.contactNote.findMany({ where: { userId: recoveryCase.userId, email: { in: emails } } });
  return findPhoneNumbers({ texts: phoneSources(recoveryCase, notes) })[0];
}

/** "tel:" link and display form of a stored E.164 number. */
export function phoneView(e164: string | null): { e164: string; display: string; telUri: string } | null {
  if (!e164) return null;
  const parsed = normalisePhone(e164);
  return parsed.ok ? { e164: parsed.e164, display: parsed.display, telUri: parsed.telUri } : null;
}

export function scriptFor(recoveryCase: { meeting: MeetingPeople & { title: string }; user: { name: string | null } }): readonly [string, string, string] {
  const [first] = otherAttendees(recoveryCase.meeting);
  return callScript({ attendeeName: first?.name, meetingTitle: recoveryCase.meeting.title, userName: userName(recoveryCase.user) }).lines;
}

/**
 * Call reminder (due at once; seed 000 steps 1–3): find the number, store it on the case,
 * and put "call them now" with the tel: link and the three-line script in the alerts feed.
 * When no number is found the alert asks for it (the dashboard posts it to
 * POST /api/cases/:id/phone).
 */
export function callReminderTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: CALL_REMINDER,
    payload: z.object({ caseId: z.uuid() }),
    async run({ caseId }, context) {
      if (!(await stepDecided(deps.db, caseId, "call_reminder", context.now, "remind_call"))) return;
      const recoveryCase = await loadCase(deps.db, caseId);
      if (!recoveryCase) return;
      const found = recoveryCase.phone ? undefined : await findPhone(deps, recoveryCase);
      const phone = phoneView(recoveryCase.phone ?? found?.e164 ?? null);
      const [first] = otherAttendees(recoveryCase.meeting);
      const who = firstName(first?.name) ?? first?.email ?? "them";
      const script = scriptFor(recoveryCase);
      const dashboard = `${deps.publicUrl}/?case=${caseId}`;
      await context.finish(async (tx) => {
        if (found) await tx.recoveryCase.updateMany({ where: { id: caseId, phone: null }, data: { phone: found.e164 } });
        await raiseAlert(
          tx,
          {
            userId: recoveryCase.userId,
            kind: "reminder",
            idempotencyKey: `case:${caseId}:call_reminder`,
            meetingId: recoveryCase.meetingId,
            title: phone ? `Call ${who} now: ${phone.display}` : `Call ${who} now (add their number)`,
            body: [
              phone ? `Call ${who} at ${phone.display} and say:` : `We found no phone number for ${who} in the event or your notes. Add it, then call and say:`,
              ...script.map((line, index) => `${index + 1}. ${line}`),
            ].join("\n"),
            data: {
              caseId,
              links: phone ? [{ label: `Call ${phone.display}`, url: phone.telUri }, { label: "Open the case", url: dashboard }] : [{ label: "Add their number", url: `${dashboard}&action=phone` }],
            },
          },
          context.now,
        );
      });
    },
  });
}
