import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AlertActionLinks, AlertQueries } from "../../alerts/index.js";
import { ACTION_DONE, QUICK_LATE_MINUTES, type AlertAction, type AlertActionClaims } from "../../alerts/index.js";
import type { MeetingActions } from "../../detection/index.js";
import type { Clock } from "../../platform/index.js";
import { AppError, NotFoundError } from "../../platform/index.js";
import type { DraftService } from "../../recovery/index.js";
import { errorBody, errorReply } from "../schemas/error.js";
import { escapeHtml, page } from "../views/html.js";

const html = z.string().describe("an HTML page");
const answered = z.object({ ok: z.literal(true), action: z.string(), message: z.string() }).meta({ id: "AlertActionDone" });

/**
 * An alert's answers from outside the dashboard (issue 15): a notification's buttons (the
 * service worker POSTs the link), ntfy's `http` actions (the ntfy app POSTs it), Slack's
 * buttons (the browser opens it: GET shows a page whose form posts, and submits itself when
 * scripts run, so a link scanner that only fetches cannot answer anything). The POST needs
 * no login: the signed token is the authority, for one answer to one alert. Each answer runs
 * the dashboard's own use case (MeetingActions, DraftService), so there is one path.
 * A JSON caller (Accept: application/json) gets JSON; a browser gets a page.
 */
export const alertActionRoutes: FastifyPluginAsyncZod<{ links: AlertActionLinks; alerts: AlertQueries; actions: MeetingActions; drafts: DraftService; clock: Clock }> = async (app, deps) => {
  const params = z.object({ token: z.string().min(10).max(1000) });
  const limit = { rateLimit: { max: 60, timeWindow: "1 minute" }, htmlErrorPage: () => problemPage("malformed") };
  if (!app.hasContentTypeParser("application/x-www-form-urlencoded")) {
    app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, _body, done) => done(null, undefined));
  }

  app.get(
    "/alert-action/:token",
    { schema: { tags: ["alerts"], summary: "The page of an alert's signed answer (from a Slack button): it posts the answer", params, response: { 200: html, 400: html } }, config: limit },
    async (request, reply) => {
      const verdict = deps.links.verify(request.params.token, deps.clock.now());
      if (!verdict.ok) return reply.status(400).type("text/html").send(problemPage(verdict.reason));
      reply.header("referrer-policy", "same-origin");
      const action = `/alert-action/${encodeURIComponent(request.params.token)}`;
      return reply.type("text/html").send(
        page(
          "Answering",
          `<main><h1>Sending your answer…</h1>
<form method="post" action="${escapeHtml(action)}" id="alert-action"><button type="submit">${escapeHtml(BUTTON[verdict.claims.action])}</button></form>
<script src="/app/alert-action.js"></script></main>`,
        ),
      );
    },
  );

  app.post(
    "/alert-action/:token",
    {
      schema: {
        tags: ["alerts"],
        summary: "Answer an alert through its signed link (no session): I'm here, running 10 min late, yes I missed it, I was there",
        description: "Send `Accept: application/json` for a JSON answer (the service worker and ntfy do); browsers get a page.",
        params,
        response: { 200: z.union([answered, html]), 400: z.union([errorReply, html]), 404: z.union([errorReply, html]), 409: z.union([errorReply, html]) },
      },
      config: limit,
    },
    async (request, reply) => {
      const wantsJson = (request.headers.accept ?? "").includes("application/json");
      const verdict = deps.links.verify(request.params.token, deps.clock.now());
      if (!verdict.ok) {
        const message = verdict.reason === "expired" ? "This answer link has expired: open Makegood to answer." : "This answer link is not valid: open Makegood to answer.";
        return wantsJson ? reply.status(400).send(errorBody(`link_${verdict.reason}`, message)) : reply.status(400).type("text/html").send(problemPage(verdict.reason));
      }
      try {
        await answer(deps, verdict.claims);
      } catch (error) {
        if (error instanceof AppError && error.httpStatus < 500) {
          request.log.info({ code: error.code, action: verdict.claims.action }, "a signed answer was refused");
          const status = error.httpStatus === 404 ? 404 : 409;
          if (wantsJson) return reply.status(status).send(errorBody(error.code, error.message));
          return reply.status(status).type("text/html").send(page("Not answered", `<main><h1>Not answered</h1><p role="alert">${escapeHtml(error.message)}</p><p><a href="/">Open Makegood</a></p></main>`));
        }
        throw error;
      }
      const message = ACTION_DONE[verdict.claims.action];
      if (wantsJson) return reply.send({ ok: true, action: verdict.claims.action, message });
      return reply.type("text/html").send(page("Done", `<main><h1>${escapeHtml(message)}</h1><p><a href="/">Open Makegood</a></p></main>`));
    },
  );
};

const BUTTON: Record<AlertAction, string> = {
  here: "I'm here",
  late_10: `Tell them I'm running ${QUICK_LATE_MINUTES} minutes late`,
  missed: "Yes, I missed it",
  attended: "I was there",
  all_attended: "I was at all of them",
};

/** The dashboard's own use case for each answer: the same calls its buttons make. */
async function answer(deps: { alerts: AlertQueries; actions: MeetingActions; drafts: DraftService }, claims: AlertActionClaims): Promise<void> {
  const { userId, alertId, action } = claims;
  const alert = await deps.alerts.subject(userId, alertId);
  if (!alert) throw new NotFoundError("Alert", alertId);
  if (action === "all_attended") {
    await deps.actions.answerDigestAllAttended(userId, alertId);
    return;
  }
  const meetingId = alert.meetingId;
  if (!meetingId) throw new AppError("This alert is about no meeting, so it cannot be answered this way.", { code: "not_a_meeting_alert", httpStatus: 409 });
  if (action === "late_10") {
    await deps.drafts.runningLate(userId, meetingId, QUICK_LATE_MINUTES);
    return;
  }
  const type = action === "here" ? "mark_attended" : action === "missed" ? "confirm_missed" : "deny_missed";
  await deps.actions.act(userId, meetingId, { type }, `alert-action:${action}`);
}

function problemPage(reason: "malformed" | "bad_signature" | "expired"): string {
  const text = reason === "expired" ? "This answer link has expired." : "This answer link is not valid.";
  return page("Answer link", `<main><h1>${text}</h1><p>Open Makegood to answer the alert there.</p><p><a href="/">Open Makegood</a></p></main>`);
}
