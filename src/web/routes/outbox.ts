import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { OutboxQueries } from "../../notify/outbox-queries.js";
import { errorReply } from "../schemas/error.js";
import { outboxMessageView } from "../schemas/outbox.js";

export const outboxRoutes: FastifyPluginAsyncZod<{ outbox: OutboxQueries }> = async (app, { outbox }) => {
  app.addHook("onRequest", app.requireUser);

  app.get(
    "/api/outbox",
    {
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
