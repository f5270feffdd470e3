import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Database } from "../../platform/db/client.js";
import type { Clock } from "../../platform/clock.js";
import { profileOf } from "../../users/identity/profile.js";
import { errorReply } from "../schemas/error.js";
import { profileView } from "../../users/identity/profile-view-schema.js";

export const meRoutes: FastifyPluginAsyncZod<{ db: Database; clock: Clock }> = async (app, { db, clock }) => {
  app.addHook("onRequest", app.requireUser);

  app.get(
    "/api/me",
    {
      schema: {
        tags: ["auth"],
        summary: "Who is signed in (401 when no one is: the dashboard then shows its sign-in page)",
        response: { 200: profileView, 401: errorReply },
      },
    },
    async (request) => profileOf(db, request.session!.userId, clock.now()),
  );
};
