import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { OutboxQueries } from "../../alerts/index.js";
import { errorReply } from "../schemas/error.js";
import { outboxMessageView, type OutboxMessageView } from "../../alerts/index.js";
import { escapeHtml, page } from "../views/html.js";

export const outboxRoutes: FastifyPluginAsyncZod<{ outbox: OutboxQueries }> = async (app, { outbox }) => {
  app.get(
    "/outbox",
    { schema: { tags: ["outbox"], summary: "The outbox preview as a page: each email as its recipient would read it", response: { 200: z.string().describe("an HTML page"), 401: z.string().describe("an HTML page") } } },
    async (request, reply) => {
      if (!request.session) return reply.status(401).type("text/html").send(page("Outbox", `<main><h1>Outbox</h1><p role="alert">Sign in first.</p><p><a class="button" href="/">Open Makegood</a></p></main>`));
      const messages = await outbox.list(request.session.userId, { limit: 200 });
      return reply.type("text/html").send(outboxPage(messages));
    },
  );

  app.get(
    "/api/outbox",
    {
      onRequest: app.requireUser,
      schema: {
        tags: ["outbox"],
        summary: "The outbox preview: every email produced for you, newest first",
        description: "Alert emails and sent drafts. In the sandbox (and without SMTP_URL) nothing leaves the machine: this is where the messages land.",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
        response: { 200: z.object({ messages: z.array(outboxMessageView) }), 400: errorReply, 401: errorReply },
      },
    },
    async (request) => ({ messages: await outbox.list(request.session!.userId, { limit: request.query.limit }) }),
  );
};

/** Text shown as written; an HTML part (alert emails) in a sandboxed frame, scripts off. */
function outboxPage(messages: OutboxMessageView[]): string {
  const items = messages.map(
    (message) => `<article>
<h2>${escapeHtml(message.subject)}</h2>
<p>To ${escapeHtml(message.to.join(", "))} · ${escapeHtml(message.kind.replace("_", " "))} · <time datetime="${message.createdAt}">${escapeHtml(message.createdAt)}</time></p>
${message.html ? `<iframe title="${escapeHtml(message.subject)}" sandbox srcdoc="${escapeHtml(message.html)}" style="width:100%;min-height:16rem;border:1px solid #ccd"></iframe>` : `<pre style="white-space:pre-wrap;font:inherit">${escapeHtml(message.text)}</pre>`}
</article>`,
  );
  return page(
    "Outbox",
    `<main><h1>Outbox</h1>
<p>Emails Makegood produced for you. Here they never leave this machine.</p>
${items.length > 0 ? items.join("\n") : "<p>Nothing yet: approved drafts and email alerts appear here.</p>"}
<p><a href="/">Back to Makegood</a></p></main>`,
  );
}
