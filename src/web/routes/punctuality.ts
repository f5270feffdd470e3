import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Database } from "../../platform/index.js";
import { punctualityOf, punctualityReport } from "../../detection/index.js";
import type { Clock } from "../../platform/index.js";
import { errorReply } from "../schemas/error.js";

export const punctualityRoutes: FastifyPluginAsyncZod<{ db: Database; clock: Clock }> = async (app, { db, clock }) => {
  app.addHook("onRequest", app.requireUser);

  app.get(
    "/api/punctuality",
    {
      schema: {
        tags: ["meetings"],
        summary: "On-time, late and missed meetings per week over the last 12 weeks, the average minutes late, and the hours that go wrong",
        description: "Counts settled meetings (attended or confirmed missed) in the user's time zone. Late: the arrival (conference join or check-in) came after the grace minutes, or detection saw the meeting late and no arrival is on record.",
        response: { 200: punctualityReport, 401: errorReply },
      },
    },
    async (request) => punctualityOf(db, request.session!.userId, clock.now()),
  );
};
