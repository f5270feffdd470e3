import type { Database } from "../../platform/index.js";
import type { OutboxMessageView } from "./outbox-view-schema.js";

const DRAFT_KEY = /^draft:([0-9a-f-]{36})$/;
const ALERT_KEY = /^alert:/;

/** The outbox preview: every email the service produced for a user, newest first. */
export class OutboxQueries {
  constructor(private readonly db: Database) {}

  async list(userId: string, options: { limit: number }): Promise<OutboxMessageView[]> {
    const rows = await this.db.outboxMessage.findMany({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: options.limit });
    const draftIds = rows.flatMap((row) => DRAFT_KEY.exec(row.idempotencyKey)?.[1] ?? []);
    const drafts = draftIds.length === 0 ? [] : await this.db.draft.findMany({ where: { id: { in: draftIds }, userId }, select: { id: true, kind: true } });
    const kindOfDraft = new Map(drafts.map((draft) => [draft.id, draft.kind]));
    return rows.map((row) => {
      const draftId = DRAFT_KEY.exec(row.idempotencyKey)?.[1];
      const kind = draftId ? (kindOfDraft.get(draftId) ?? "other") : ALERT_KEY.test(row.idempotencyKey) ? "alert" : "other";
      return {
        id: row.id,
        to: row.to,
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody ? row.htmlBody : null,
        kind,
        transport: row.transport,
        draftId: draftId ?? null,
        createdAt: row.createdAt.toISOString(),
      };
    });
  }
}
