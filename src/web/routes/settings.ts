import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { SettingsService } from "../../users/index.js";
import { settingsUpdate, settingsView } from "../../users/index.js";
import { errorReply } from "../schemas/error.js";

export const settingsRoutes: FastifyPluginAsyncZod<{ settings: SettingsService }> = async (app, { settings }) => {
  app.addHook("onRequest", app.requireUser);

  app.get(
    "/api/settings",
    { schema: { tags: ["settings"], summary: "The signed-in user's settings", response: { 200: settingsView, 401: errorReply } } },
    async (request) => settings.get(request.session!.userId),
  );

  app.put(
    "/api/settings",
    {
      schema: {
        tags: ["settings"],
        summary: "Change settings (any subset; the rest stays)",
        body: settingsUpdate,
        response: { 200: settingsView, 400: errorReply, 401: errorReply, 403: errorReply },
      },
    },
    async (request) => settings.update(request.session!.userId, request.body),
  );
};
