import type { Database } from "../platform/index.js";
import { undoVerdict, type UndoVerdict } from "./undo-verdict.js";
import { notificationPreview, type NotificationPreview } from "./domain/index.js";

export interface AlertView {
  id: string;
  kind: string;
  meetingId: string | null;
  meetingIds: string[];
  connectionId: string | null;
  title: string;
  body: string;
  links: Array<{ label: string; url: string }>;
  createdAt: string;
  withdrawn: boolean;
  status: "open" | "answered" | "resolved" | "withdrawn";
  answer: string | null;
  answeredAt: string | null;
  /** for an answered "Missed?": whether the answer can be taken back (and why not) */
  undo: UndoVerdict | null;
  read: boolean;
  deliveries: Array<{ channel: string; status: string; deliveredAt: string | null; lastError: string | null }>;
  /** what a lock screen shows for it (push, ntfy): the sandbox previews it */
  notification: NotificationPreview;
}

function meetingIdsOf(data: unknown): string[] {
  if (!data || typeof data !== "object" || !("meetingIds" in data) || !Array.isArray(data.meetingIds)) return [];
  return data.meetingIds.filter((id: unknown): id is string => typeof id === "string");
}

function linksOf(data: unknown): AlertView["links"] {
  if (!data || typeof data !== "object" || !("links" in data) || !Array.isArray(data.links)) return [];
  return data.links.flatMap((link: unknown) =>
    link && typeof link === "object" && "label" in link && "url" in link && typeof link.label === "string" && typeof link.url === "string" ? [{ label: link.label, url: link.url }] : [],
  );
}

/** The in-app feed: a user's alerts, newest first, with how each channel delivered them. */
export class AlertQueries {
  constructor(private readonly db: Database) {}

  async list(userId: string, options: { limit: number; includeWithdrawn: boolean; ids?: string[] }): Promise<AlertView[]> {
    const rows = await this.db.alert.findMany({
      where: { userId, ...(options.includeWithdrawn ? {} : { withdrawnAt: null }), ...(options.ids ? { id: { in: options.ids } } : {}) },
      include: { deliveries: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: options.limit,
    });
    const undo = await this.undoOf(rows.filter((row) => row.kind === "suspected_missed" && row.status === "answered" && row.meetingId !== null).map((row) => row.meetingId!));
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      meetingId: row.meetingId,
      meetingIds: meetingIdsOf(row.data),
      connectionId: row.connectionId,
      title: row.title,
      body: row.body,
      links: linksOf(row.data),
      createdAt: row.createdAt.toISOString(),
      withdrawn: row.withdrawnAt !== null,
      status: row.status,
      answer: row.answer,
      answeredAt: row.answeredAt?.toISOString() ?? null,
      undo: (row.kind === "suspected_missed" && row.status === "answered" && row.meetingId && undo.get(row.meetingId)) || null,
      read: row.readAt !== null,
      deliveries: row.deliveries.map((d) => ({ channel: d.channel, status: d.status, deliveredAt: d.deliveredAt?.toISOString() ?? null, lastError: d.lastError })),
      notification: notificationPreview(row),
    }));
  }

  /** What a signed answer needs to know about its alert: its kind, meeting and whether it still asks. */
  async subject(userId: string, alertId: string): Promise<{ kind: string; meetingId: string | null; status: string; answer: string | null } | null> {
    return this.db.alert.findFirst({ where: { id: alertId, userId }, select: { kind: true, meetingId: true, status: true, answer: true } });
  }

  /** Whether the answers about these meetings can still be undone (one query for the page). */
  private async undoOf(meetingIds: string[]): Promise<Map<string, UndoVerdict>> {
    if (meetingIds.length === 0) return new Map();
    const meetings = await this.db.meeting.findMany({
      where: { id: { in: meetingIds } },
      select: { id: true, state: true, evidence: { select: { kind: true } }, recovery: { select: { drafts: { select: { status: true, sendAttemptedAt: true } } } } },
    });
    return new Map(meetings.map((m) => [m.id, undoVerdict({ state: m.state, evidence: m.evidence.map((e) => e.kind), drafts: m.recovery?.drafts ?? [] })]));
  }
}
