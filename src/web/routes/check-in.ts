import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CheckInLinks } from "../../detection/index.js";
import type { MeetingActions } from "../../detection/index.js";
import type { Clock } from "../../platform/index.js";
import { AppError } from "../../platform/index.js";
import { escapeHtml, page } from "../views/html.js";

const html = z.string().describe("an HTML page");

/**
 * The "I'm here" link from alerts. GET shows a page whose form posts the check-in (and
 * submits itself when scripts run), so link scanners that prefetch emails cannot check
 * anyone in; the POST needs no login: the signed token is the authority, for one meeting.
 */
export const checkInRoutes: FastifyPluginAsyncZod<{ links: CheckInLinks; actions: MeetingActions; clock: Clock }> = async (app, { links, actions, clock }) => {
  const params = z.object({ token: z.string().min(10).max(1000) });
  // A link cut short by a mail client fails the token's schema: it is shown the same page as any bad link.
  const limit = { rateLimit: { max: 60, timeWindow: "1 minute" }, htmlErrorPage: () => problem("malformed") };
  // The page's form posts no fields, but browsers still label the empty body as a form: accept
  // it here (unless a form parser is registered for the whole app already).
  if (!app.hasContentTypeParser("application/x-www-form-urlencoded")) {
    app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, _body, done) => done(null, undefined));
  }

  app.get(
    "/check-in/:token",
    { schema: { tags: ["alerts"], summary: "The one-click \"I'm here\" page", params, response: { 200: html, 400: html } }, config: limit },
    async (request, reply) => {
      const verdict = links.verify(request.params.token, clock.now());
      if (!verdict.ok) return reply.status(400).type("text/html").send(problem(verdict.reason));
      const action = `/check-in/${encodeURIComponent(request.params.token)}`;
      // Under helmet's no-referrer a form POST carries "Origin: null", which the same-origin
      // check refuses for a signed-in browser; same-origin keeps the real origin (and still
      // sends no referrer anywhere else).
      reply.header("referrer-policy", "same-origin");
      return reply.type("text/html").send(
        page(
          "Checking you in",
          `<main><h1>Checking you in…</h1>
<form method="post" action="${escapeHtml(action)}" id="check-in"><button type="submit">I'm here</button></form>
<script src="/app/check-in.js"></script></main>`,
        ),
      );
    },
  );

  app.post(
    "/check-in/:token",
    { schema: { tags: ["alerts"], summary: "Record \"I'm here\" for the meeting the link names", params, response: { 200: html, 400: html, 409: html } }, config: limit },
    async (request, reply) => {
      const verdict = links.verify(request.params.token, clock.now());
      if (!verdict.ok) return reply.status(400).type("text/html").send(problem(verdict.reason));
      try {
        await actions.act(verdict.claims.userId, verdict.claims.meetingId, { type: "check_in" }, "check-in link");
      } catch (error) {
        if (error instanceof AppError && error.httpStatus < 500) return reply.status(409).type("text/html").send(page("Not checked in", `<main><h1>Not checked in</h1><p role="alert">${escapeHtml(error.message)}</p><p><a href="/">Open Makegood</a></p></main>`));
        throw error;
      }
      return reply.type("text/html").send(page("Checked in", `<main><h1>You're checked in</h1><p>No "running late" or "missed" alert will be sent for this meeting. Give it your full attention.</p><p><a href="/">Open Makegood</a></p></main>`));
    },
  );
};

function problem(reason: "malformed" | "bad_signature" | "expired"): string {
  const text = reason === "expired" ? "This check-in link has expired." : "This check-in link is not valid.";
  return page("Check-in link", `<main><h1>${text}</h1><p>Open Makegood to mark the meeting attended instead.</p><p><a href="/">Open Makegood</a></p></main>`);
}
