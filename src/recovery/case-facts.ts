import { z } from "zod";
import type { Prisma } from "../platform/index.js";
import { CASE_STEP_KINDS, type MaterialsLink, type StepFacts } from "./domain/index.js";

/** What the step rules read of a case: its tasks, drafts and rescheduled meeting. */
export const caseFactsInclude = {
  rescheduled: true,
  tasks: { orderBy: { createdAt: "asc" } },
  drafts: { orderBy: { createdAt: "asc" } },
  user: { include: { settings: true } },
} satisfies Prisma.RecoveryCaseInclude;

export type CaseFactsRow = Prisma.RecoveryCaseGetPayload<{ include: typeof caseFactsInclude }>;

/** The latest task row of each step kind (a moved meeting queues a newer thank-you, say). */
export function latestStepTasks<Task extends CaseFactsRow["tasks"][number]>(tasks: readonly Task[]): Map<string, Task> {
  const latest = new Map<string, Task>();
  for (const task of tasks) if ((CASE_STEP_KINDS as readonly string[]).includes(task.kind)) latest.set(task.kind, task);
  return latest;
}

export function stepFactsOf(row: CaseFactsRow & { meeting?: { timeZone: string } }, now: Date): StepFacts {
  const draftOf = (kind: "reschedule" | "materials" | "thank_you") => row.drafts.filter((d) => d.kind === kind).at(-1);
  return {
    now,
    tasks: Object.fromEntries([...latestStepTasks(row.tasks)].map(([kind, task]) => [kind, { status: task.status, dueAt: task.dueAt, lastError: task.lastError }])),
    drafts: Object.fromEntries((["reschedule", "materials", "thank_you"] as const).flatMap((kind) => { const d = draftOf(kind); return d ? [[kind, d.status]] : []; })),
    draftsSentAt: Object.fromEntries((["reschedule", "materials", "thank_you"] as const).flatMap((kind) => { const d = draftOf(kind); return d?.sentAt ? [[kind, d.sentAt]] : []; })),
    materialsLinks: materialsLinksOf(row.materialsLinks).length,
    timeZone: row.user.settings?.timeZone ?? row.meeting?.timeZone ?? "UTC",
    stepsDone: Object.fromEntries(Object.entries(stepsDoneOf(row.stepsDone)).map(([kind, at]) => [kind, new Date(at)])),
    rescheduled: row.rescheduled ? { cancelled: row.rescheduled.isCancelled || row.rescheduled.deletedAt !== null, start: row.rescheduled.start } : null,
    bufferPlaced: row.bufferEventId !== null,
  };
}

const storedLinks = z.array(z.object({ url: z.string(), label: z.string().nullable().optional() }));

/** The links the user added for the materials note, as stored on the case. */
export function materialsLinksOf(value: Prisma.JsonValue): MaterialsLink[] {
  const parsed = storedLinks.safeParse(value);
  return parsed.success ? parsed.data : [];
}

export function stepsDoneOf(value: Prisma.JsonValue): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).flatMap(([kind, at]) => (typeof at === "string" ? [[kind, at]] : [])));
}
