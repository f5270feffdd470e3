import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ConnectionService } from "../../connections/connection-service.js";
import { connectionView } from "../schemas/connection.js";
import { errorReply } from "../schemas/error.js";

export const connectionRoutes: FastifyPluginAsyncZod<{ connections: ConnectionService }> = async (app, { connections }) => {
  app.addHook("onRequest", app.requireUser);

  app.get(
    "/api/connections",
    {
      schema: {
        tags: ["connections"],
        summary: "The signed-in user's calendar connections and their health",
        response: { 200: z.object({ connections: z.array(connectionView) }), 401: errorReply },
      },
    },
    async (request) => ({ connections: await connections.list(request.session!.userId) }),
  );

  app.delete(
    "/api/connections/:id",
    {
      schema: {
        tags: ["connections"],
        summary: "Disconnect a calendar: revoke its tokens at the provider, stop push channels",
        description: "With keepMeetings=true the synced meetings (and any recovery cases) stay; otherwise they are removed with the connection.",
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ keepMeetings: z.enum(["true", "false"]).default("false").transform((v) => v === "true") }).strict(),
        response: { 204: z.null(), 401: errorReply, 403: errorReply, 404: errorReply },
      },
    },
    async (request, reply) => {
      await connections.disconnect(request.session!.userId, request.params.id, { keepMeetings: request.query.keepMeetings });
      return reply.status(204).send(null);
    },
  );
};
