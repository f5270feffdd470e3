import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EmulatorContext } from "../context.js";
import type { DeliveryOptions, ZoomInstance, ZoomMeeting, ZoomUser } from "./world.js";

const deliverySchema = z
  .object({ duplicate: z.boolean().optional(), hold: z.boolean().optional(), unsigned: z.boolean().optional(), staleSeconds: z.number().int().nonnegative().optional(), badSignature: z.boolean().optional() })
  .strict();
const whoSchema = z.object({ email: z.string().optional(), name: z.string().optional(), at: z.string().optional() }).refine((who) => who.email || who.name, "pass email (a Zoom user) or name (a guest)");

/**
 * The Zoom part of the control handle (`emulator.control.zoom`), each also over HTTP under
 * /_emulator/zoom. Joins, leaves and ends send the webhooks Zoom would, signed with the app's
 * secret token on the emulator's clock, to the endpoint set with setWebhookEndpoint; `delivery`
 * duplicates, holds back (to reorder), or signs them badly.
 */
export class ZoomControl {
  constructor(private readonly ctx: EmulatorContext) {}

  addUser(input: { email: string; name?: string; id?: string }): ZoomUser {
    return this.ctx.zoom.addUser(input);
  }
  /** The next /oauth/authorize signs in this Zoom user (or "deny"). */
  setNextLogin(email: string | "deny"): void {
    this.ctx.zoom.nextLogin = email;
  }
  setWebhookEndpoint(url: string): void {
    this.ctx.zoom.webhookUrl = url;
  }
  scheduleMeeting(input: { host: string; id?: string; topic?: string; start: string; durationMinutes?: number }): ZoomMeeting {
    return this.ctx.zoom.scheduleMeeting(input);
  }
  join(meetingId: string, who: z.input<typeof whoSchema>, delivery: DeliveryOptions = {}): Promise<void> {
    return this.ctx.zoom.join(meetingId, whoSchema.parse(who), deliverySchema.parse(delivery));
  }
  leave(meetingId: string, who: z.input<typeof whoSchema>, delivery: DeliveryOptions = {}): Promise<void> {
    return this.ctx.zoom.leave(meetingId, whoSchema.parse(who), deliverySchema.parse(delivery));
  }
  end(meetingId: string, at?: string, delivery: DeliveryOptions = {}): Promise<void> {
    return this.ctx.zoom.end(meetingId, at, deliverySchema.parse(delivery));
  }
  recordPastInstance(meetingId: string, input: Parameters<EmulatorContext["zoom"]["recordPastInstance"]>[1]): ZoomInstance {
    return this.ctx.zoom.recordPastInstance(meetingId, input);
  }
  releaseHeld(order: "sent" | "reverse" = "sent") {
    return this.ctx.zoom.releaseHeld(order);
  }
  validateEndpoint() {
    return this.ctx.zoom.validateEndpoint();
  }
  sendRaw(body: string, delivery: DeliveryOptions = {}) {
    return this.ctx.zoom.sendRaw(body, deliverySchema.parse(delivery));
  }
  /** Removes the app's authorization for a user, as they would in Zoom's App Marketplace. */
  revokeGrants(email: string): number {
    const user = this.ctx.zoom.userByEmail(email);
    let count = 0;
    for (const grant of this.ctx.zoom.grants) if (user && grant.userId === user.id && !grant.revoked) {
      grant.revoked = true;
      count += 1;
    }
    return count;
  }
  /** Caps the pages Zoom's lists answer (default 300), to see paging with a few participants. */
  setMaxPageSize(size: number): void {
    this.ctx.settings.zoomMaxPageSize = size;
  }
  /** Whether the user still has an unrevoked grant (the app is installed). */
  installed(email: string): boolean {
    const user = this.ctx.zoom.userByEmail(email);
    return Boolean(user && this.ctx.zoom.installed(user.id));
  }
}

function body(request: { body?: unknown }): Record<string, unknown> {
  return request.body && typeof request.body === "object" ? (request.body as Record<string, unknown>) : {};
}

export function registerZoomControlRoutes(app: FastifyInstance, control: ZoomControl): void {
  app.post("/_emulator/zoom/users", async (request) => control.addUser(z.object({ email: z.string(), name: z.string().optional(), id: z.string().optional() }).parse(body(request))));
  app.post("/_emulator/zoom/login", async (request) => {
    control.setNextLogin(z.object({ email: z.string() }).parse(body(request)).email);
    return { ok: true };
  });
  app.post("/_emulator/zoom/webhook-endpoint", async (request) => {
    control.setWebhookEndpoint(z.object({ url: z.string().url() }).parse(body(request)).url);
    return { ok: true };
  });
  app.post("/_emulator/zoom/meetings", async (request) =>
    control.scheduleMeeting(z.object({ host: z.string(), id: z.string().optional(), topic: z.string().optional(), start: z.string(), durationMinutes: z.number().int().positive().optional() }).parse(body(request))),
  );
  for (const action of ["join", "leave"] as const) {
    app.post<{ Params: { id: string } }>(`/_emulator/zoom/meetings/:id/${action}`, async (request) => {
      const input = z.object({ who: z.record(z.string(), z.unknown()), delivery: deliverySchema.optional() }).parse(body(request));
      await control[action](request.params.id, input.who as z.input<typeof whoSchema>, input.delivery);
      return { ok: true };
    });
  }
  app.post<{ Params: { id: string } }>("/_emulator/zoom/meetings/:id/end", async (request) => {
    const input = z.object({ at: z.string().optional(), delivery: deliverySchema.optional() }).parse(body(request));
    await control.end(request.params.id, input.at, input.delivery);
    return { ok: true };
  });
  app.post("/_emulator/zoom/held/release", async (request) => ({ results: await control.releaseHeld(z.object({ order: z.enum(["sent", "reverse"]).default("sent") }).parse(body(request)).order) }));
  app.post("/_emulator/zoom/validate", async () => control.validateEndpoint());
  app.post("/_emulator/zoom/tokens/revoke", async (request) => ({ revoked: control.revokeGrants(z.object({ email: z.string() }).parse(body(request)).email) }));
}
