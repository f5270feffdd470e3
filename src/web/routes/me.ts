import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Database } from "../../platform/index.js";
import type { Clock } from "../../platform/index.js";
import { profileOf } from "../../users/index.js";
import { errorReply } from "../schemas/error.js";
import { profileView } from "../../users/index.js";

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
