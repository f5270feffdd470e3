import type { FastifyReply, FastifyRequest } from "fastify";
import { bearerToken, type EmulatorContext } from "../context.js";
import type { Account } from "../state.js";
import { sendGraphError } from "./errors.js";

/** The account behind a valid Graph Bearer token, or undefined after answering 401 InvalidAuthenticationToken. */
export function graphCaller(ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): Account | undefined {
  const bearer = bearerToken(request);
  const token = ctx.state.validAccessToken("microsoft", bearer);
  const account = token ? ctx.state.accounts.get(token.accountId) : undefined;
  if (account) return account;
  reply.header("www-authenticate", 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"');
  const known = bearer ? ctx.state.accessTokens.get(bearer) : undefined;
  const message = !bearer ? "Access token is empty." : known ? "Lifetime validation failed, the token is expired." : "IDX14100: JWT is not well formed, there are no dots (.).";
  sendGraphError(reply, 401, "InvalidAuthenticationToken", message);
  return undefined;
}

/** Absolute links the Graph SDK follows as-is (it only follows https links on Graph or custom hosts). */
export function graphUrl(ctx: EmulatorContext, pathAndQuery: string): string {
  return `${ctx.baseUrl()}/v1.0${pathAndQuery}`;
}

/** `Prefer: odata.maxpagesize=N` and `outlook.timezone="Zone"` from the Prefer header(s). */
export function preferences(request: FastifyRequest): { maxPageSize: number | undefined; timeZone: string | undefined } {
  const header = request.headers.prefer;
  const text = Array.isArray(header) ? header.join(",") : header ?? "";
  const size = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(text)?.[1];
  const zone = /outlook\.timezone\s*=\s*"([^"]+)"/i.exec(text)?.[1];
  return { maxPageSize: size ? Number(size) : undefined, timeZone: zone };
}
