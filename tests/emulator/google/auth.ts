import type { FastifyReply, FastifyRequest } from "fastify";
import { bearerToken, type EmulatorContext } from "../context.js";
import type { Account } from "../state.js";
import { sendGoogleError } from "./errors.js";

/** The account behind a valid Google Bearer token, or undefined after answering 401 as Google does. */
export function googleCaller(ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): Account | undefined {
  const token = ctx.state.validAccessToken("google", bearerToken(request));
  const account = token ? ctx.state.accounts.get(token.accountId) : undefined;
  if (account) return account;
  reply.header("www-authenticate", 'Bearer realm="https://accounts.google.com/", error="invalid_token"');
  sendGoogleError(reply, 401,
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    { reason: "authError", location: "Authorization", locationType: "header" });
  return undefined;
}
