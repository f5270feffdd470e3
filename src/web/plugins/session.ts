import cookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { AppError } from "../../platform/index.js";
import type { SessionStore, SessionUser } from "../../users/index.js";

export const SESSION_COOKIE = "mg_session";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The route never looks at who is signed in (health probes): the session is not read, so a
     * database outage cannot turn /readyz into an error instead of its "not ready" answer.
     */
    sessionless?: boolean;
  }
  interface FastifyRequest {
    /** the signed-in user, when the session cookie is valid */
    session: SessionUser | undefined;
  }
  interface FastifyInstance {
    /** preHandler for routes that need a signed-in user */
    requireUser(request: FastifyRequest): Promise<void>;
    startSession(reply: FastifyReply, userId: string): Promise<void>;
    endSession(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
}

export interface SessionPluginOptions {
  sessions: SessionStore;
  /** cookie signing secrets, newest first (rotation keeps old cookies valid) */
  secrets: Buffer[];
  /** whether PUBLIC_URL is https: then cookies are Secure */
  secure: boolean;
}

/** Reads the session cookie on every request; routes decide whether they need it. */
export const sessionPlugin = fp(
  async (app: FastifyInstance, options: SessionPluginOptions) => {
    await app.register(cookie, { secret: options.secrets });
    app.decorateRequest("session", undefined);

    app.addHook("onRequest", async (request) => {
      if (request.routeOptions.config?.sessionless) return;
      const raw = request.cookies[SESSION_COOKIE];
      if (!raw) return;
      const unsigned = request.unsignCookie(raw);
      if (!unsigned.valid || !unsigned.value) return;
      request.session = await options.sessions.resolve(unsigned.value);
    });

    app.decorate("requireUser", async (request: FastifyRequest) => {
      if (!request.session) {
        throw new AppError("Sign in first: connect a Google or Outlook calendar at /", { code: "unauthenticated", httpStatus: 401 });
      }
    });

    app.decorate("startSession", async (reply: FastifyReply, userId: string) => {
      const { token, expiresAt } = await options.sessions.create(userId);
      reply.setCookie(SESSION_COOKIE, token, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: options.secure,
        signed: true,
        expires: expiresAt,
      });
    });

    app.decorate("endSession", async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = request.cookies[SESSION_COOKIE];
      const unsigned = raw ? request.unsignCookie(raw) : undefined;
      if (unsigned?.valid && unsigned.value) await options.sessions.revoke(unsigned.value);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
    });
  },
  { name: "session" },
);
