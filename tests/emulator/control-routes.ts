import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { stringParams } from "./context.js";
import type { EmulatorControl } from "./control.js";

const providerSchema = z.enum(["google", "microsoft"]).optional();
const ownerSchema = z.object({ account: z.string(), provider: providerSchema });
const occurrenceSchema = ownerSchema.extend({ originalStart: z.string() });

function body(request: { body?: unknown }): Record<string, unknown> {
  return request.body && typeof request.body === "object" ? (request.body as Record<string, unknown>) : {};
}

/** The control handle over HTTP (JSON), for a separately running process such as a browser test. */
export function registerControlRoutes(app: FastifyInstance, control: EmulatorControl): void {
  app.setErrorHandler((error: unknown, request, reply: FastifyReply) => {
    const status = request.url.startsWith("/_emulator/") ? 400 : 500;
    const message = error instanceof Error ? error.message : String(error);
    return reply.code(status).send({ error: { code: status === 400 ? "emulator_control" : "emulator_internal", message } });
  });

  app.post("/_emulator/users", async (request) => control.addUser(body(request) as Parameters<EmulatorControl["addUser"]>[0]));
  app.post("/_emulator/login", async (request) => {
    const input = z.object({ provider: z.enum(["google", "microsoft"]), email: z.string().optional(), deny: z.boolean().optional() }).parse(body(request));
    if (input.deny) control.denyNextLogin(input.provider);
    else if (input.email) control.setNextLogin(input.provider, input.email);
    else throw new Error("pass email or deny: true");
    return { ok: true };
  });
  app.post("/_emulator/tokens/expire", async (request) => {
    const input = z.object({ email: z.string().optional(), provider: providerSchema }).parse(body(request));
    return { expired: control.expireAccessTokens(input.email, input.provider) };
  });
  app.post("/_emulator/tokens/revoke", async (request) => {
    const input = z.object({ email: z.string().optional(), provider: providerSchema }).parse(body(request));
    return { revoked: control.revokeRefreshTokens(input.email, input.provider) };
  });
  app.post("/_emulator/sync/invalidate", async (request) => {
    const input = z.object({ email: z.string(), provider: providerSchema }).parse(body(request));
    control.invalidateSyncTokens(input.email, input.provider);
    return { ok: true };
  });
  app.post("/_emulator/time/advance", async (request) => {
    control.advanceTime(z.object({ ms: z.number() }).parse(body(request)).ms);
    return { now: new Date(control.now()).toISOString() };
  });

  app.post("/_emulator/events", async (request) => {
    const { account, provider } = ownerSchema.parse(body(request));
    return control.createEvent(account, body(request) as Parameters<EmulatorControl["createEvent"]>[1], provider);
  });
  // Many events in one request (benchmarks seed thousands): answers their ids, in order.
  app.post("/_emulator/events/batch", { bodyLimit: 64 * 1024 * 1024 }, async (request) => {
    const { account, provider, events } = ownerSchema.extend({ events: z.array(z.record(z.string(), z.unknown())) }).parse(body(request));
    return events.map((input) => ({ id: control.createEvent(account, input as Parameters<EmulatorControl["createEvent"]>[1], provider).id }));
  });
  app.patch<{ Params: { id: string } }>("/_emulator/events/:id", async (request) => {
    const { account, provider } = ownerSchema.parse(body(request));
    return control.updateEvent(account, request.params.id, body(request), provider);
  });
  app.delete<{ Params: { id: string } }>("/_emulator/events/:id", async (request) => {
    const { account, provider } = ownerSchema.parse(stringParams(request.query));
    control.deleteEvent(account, request.params.id, provider);
    return { ok: true };
  });
  app.post<{ Params: { id: string } }>("/_emulator/events/:id/cancel", async (request) => {
    const { account, provider } = ownerSchema.parse(body(request));
    return control.cancelEvent(account, request.params.id, provider);
  });
  app.post<{ Params: { id: string } }>("/_emulator/events/:id/response", async (request) => {
    const input = ownerSchema.extend({ attendee: z.string(), response: z.enum(["needsAction", "accepted", "declined", "tentative"]) }).parse(body(request));
    return control.setResponse(input.account, request.params.id, input.attendee, input.response, input.provider);
  });
  app.post<{ Params: { id: string } }>("/_emulator/events/:id/occurrences/cancel", async (request) => {
    const input = occurrenceSchema.parse(body(request));
    return control.cancelOccurrence(input.account, request.params.id, input.originalStart, input.provider);
  });
  app.post<{ Params: { id: string } }>("/_emulator/events/:id/occurrences/move", async (request) => {
    const input = occurrenceSchema.parse(body(request));
    return control.moveOccurrence(input.account, request.params.id, input.originalStart, body(request), input.provider);
  });
  app.post<{ Params: { id: string } }>("/_emulator/events/:id/exdates", async (request) => {
    const input = occurrenceSchema.parse(body(request));
    return control.addExdate(input.account, request.params.id, input.originalStart, input.provider);
  });

  app.post("/_emulator/faults", async (request) => {
    control.addFault(body(request) as Parameters<EmulatorControl["addFault"]>[0]);
    return { ok: true };
  });
  app.delete("/_emulator/faults", async () => {
    control.clearFaults();
    return { ok: true };
  });
  app.get("/_emulator/mail", async () => control.sentMail());
  app.delete("/_emulator/mail", async () => {
    control.clearSentMail();
    return { ok: true };
  });
  app.get("/_emulator/requests", async (request) => {
    const q = stringParams(request.query);
    return control.requests({ ...(q["method"] ? { method: q["method"] } : {}), ...(q["pathPrefix"] ? { pathPrefix: q["pathPrefix"] } : {}) });
  });
  app.delete("/_emulator/requests", async () => {
    control.clearRequests();
    return { ok: true };
  });

  app.post("/_emulator/presence", async (request) => {
    const input = z.object({ account: z.string(), availability: z.string(), activity: z.string(), from: z.string().optional(), until: z.string().optional() }).parse(body(request));
    control.setPresence(input.account, input, { ...(input.from ? { from: input.from } : {}), ...(input.until ? { until: input.until } : {}) });
    return { ok: true };
  });
  app.post("/_emulator/time-zone", async (request) => {
    const input = ownerSchema.extend({ timeZone: z.string() }).parse(body(request));
    control.setTimeZone(input.account, input.timeZone, input.provider);
    return { ok: true };
  });
  app.post<{ Params: { id: string } }>("/_emulator/meet/conferences/:id/leave", async (request) => {
    const input = z.object({ email: z.string(), at: z.string().optional() }).parse(body(request));
    control.leaveConference(request.params.id, input.email, input.at);
    return { ok: true };
  });
  app.post<{ Params: { id: string } }>("/_emulator/meet/conferences/:id/end", async (request) => {
    control.endConference(request.params.id, z.object({ at: z.string().optional() }).parse(body(request)).at);
    return { ok: true };
  });
  app.post("/_emulator/meet/conferences", async (request) => control.addConferenceRecord(body(request) as Parameters<EmulatorControl["addConferenceRecord"]>[0]));
  app.post("/_emulator/teams/attendance", async (request) => control.addTeamsAttendance(body(request) as Parameters<EmulatorControl["addTeamsAttendance"]>[0]));
  app.get("/_emulator/google/channels", async () => control.channels());
  app.post<{ Params: { id: string } }>("/_emulator/google/channels/:id/notify", async (request) => {
    const input = z.object({ state: z.enum(["sync", "exists", "not_exists"]).optional(), messageNumber: z.number().int().optional() }).parse(body(request));
    control.sendGoogleNotification(request.params.id, input);
    return { ok: true };
  });
  app.get("/_emulator/graph/subscriptions", async () => control.subscriptions());
  app.get("/_emulator/graph/calendars", async (request) => control.graphCalendars(z.object({ account: z.string() }).parse(stringParams(request.query)).account));
  app.post<{ Params: { id: string } }>("/_emulator/graph/subscriptions/:id/lifecycle", async (request) => {
    const input = z.object({ lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]) }).parse(body(request));
    control.sendGraphLifecycleNotification(request.params.id, input.lifecycleEvent);
    return { ok: true };
  });
  app.get("/_emulator/webhooks", async () => control.webhookDeliveries());
  app.post("/_emulator/webhooks/replay", async (request) => {
    control.replayWebhook(z.object({ index: z.number().int().default(-1) }).parse(body(request)).index);
    return { ok: true };
  });
}
