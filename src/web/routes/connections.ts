import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ConnectionService, ZoomAccounts } from "../../calendars/index.js";
import { connectionView, zoomView } from "../../calendars/index.js";
import { errorReply } from "../schemas/error.js";

export const connectionRoutes: FastifyPluginAsyncZod<{ connections: ConnectionService; zoom: ZoomAccounts }> = async (app, { connections, zoom }) => {
  app.addHook("onRequest", app.requireUser);

  app.get(
    "/api/connections",
    {
      schema: {
        tags: ["connections"],
        summary: "The signed-in user's calendar connections and their health, and their Zoom account",
        response: { 200: z.object({ connections: z.array(connectionView), zoom: zoomView }), 401: errorReply },
      },
    },
    async (request) => ({ connections: await connections.list(request.session!.userId), zoom: await zoom.view(request.session!.userId) }),
  );

  app.delete(
    "/api/connections/:id",
    {
      schema: {
        tags: ["connections"],
        summary: "Disconnect a calendar: revoke its tokens at the provider, stop push channels",
        description:
          "Push channels (Google) / subscriptions (Microsoft) are stopped and the tokens deleted. Google's grant is revoked at Google; Microsoft offers no per-app revocation (the user can remove the app at https://myapps.microsoft.com). With keepMeetings=true the synced meetings (and any recovery cases) stay, no longer synced or watched; otherwise they are removed with the connection. Another user's connection answers 404.",
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
