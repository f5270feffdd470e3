import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../context.js";
import { googleCaller } from "./auth.js";

export function registerGoogleUserinfo(app: FastifyInstance, ctx: EmulatorContext): void {
  // v2 answers id/verified_email/name; v3 (OpenID Connect) answers sub/email_verified/name.
  app.get("/oauth2/v2/userinfo", async (request, reply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    return { id: account.id, email: account.email, verified_email: true, name: account.name };
  });
  app.get("/oauth2/v3/userinfo", async (request, reply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    return { sub: account.id, email: account.email, email_verified: true, name: account.name };
  });
}
