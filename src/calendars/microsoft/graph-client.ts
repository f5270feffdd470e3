import { Client, GraphClientError, GraphError, RetryHandlerOptions, type GraphRequest } from "@microsoft/microsoft-graph-client";
import type { z } from "zod";
import type { Clock } from "../../platform/index.js";
import type { AccessTokenSource } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import { timeLeftToSend } from "../send-window.js";
import { PROVIDER, withoutTrailingSlash } from "./endpoints.js";
import { classifyGraphFailure, type FailureContext } from "./graph-errors.js";

/** One Graph request as the adapter files describe it; SDK types never leave this file. */
export interface GraphCall extends FailureContext {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** relative to {graph}/v1.0 ("/me/calendars?$top=50") or an absolute @odata link on the Graph host */
  path: string;
  headers?: Record<string, string>;
  /** JSON-serialised unless it is a string (sent as is, e.g. base64 MIME) */
  body?: unknown;
  /** not started at or after this instant, and abandoned when it comes (a send's window) */
  deadline?: Date;
}

export interface GraphApi {
  /** sends the call and parses the JSON body with `schema` */
  json<T>(call: GraphCall, schema: z.ZodType<T>): Promise<T>;
  /** sends the call and ignores the (empty) body: 202/204 answers */
  send(call: GraphCall): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A token-source failure (e.g. auth_revoked from a dead refresh token) handed to the SDK as a
 * non-Error value: CustomAuthenticationProvider wraps such values in a GraphClientError
 * (`customError`), which GraphRequest.send rethrows untouched, so we get our own error back
 * instead of a GraphError with status -1.
 */
interface TokenFailure {
  tokenFailure: unknown;
}

export function createGraphApi(deps: { graphUrl: string; tokens: AccessTokenSource; clock: Clock }): GraphApi {
  const graphUrl = new URL(withoutTrailingSlash(deps.graphUrl));
  // Client.init attaches the bearer token only to Graph's own hosts or `customHosts`
  // (AuthenticationHandler → isGraphURL / isCustomHost), so the configured host must be listed.
  const client = Client.init({
    baseUrl: `${graphUrl.origin}/`,
    customHosts: new Set([graphUrl.hostname]),
    authProvider: (done) => {
      deps.tokens.accessToken().then(
        (token) => done(null, token),
        (error: unknown) => done({ tokenFailure: error } satisfies TokenFailure, null),
      );
    },
  });

  const build = (call: GraphCall): GraphRequest => {
    const request = client
      .api(resolvePath(graphUrl, call.path))
      .headers(call.headers ?? {})
      .option("signal", AbortSignal.timeout(call.deadline ? timeLeftToSend(call.deadline, deps.clock.now()) : REQUEST_TIMEOUT_MS))
      // The SDK's RetryHandler would sleep in-process on 429/503/504 (up to 180 s per try). We
      // surface throttling as rate_limited with retryAfterMs instead, so the task runner
      // reschedules and nothing holds a worker (PRODUCT §2: back off, honour Retry-After).
      .middlewareOptions([new RetryHandlerOptions(0, 0)]);
    return request;
  };

  const execute = (call: GraphCall): Promise<unknown> => {
    const request = build(call);
    switch (call.method) {
      case "GET":
        return request.get();
      case "POST":
        return request.post(call.body ?? {});
      case "PATCH":
        return request.patch(call.body ?? {});
      case "DELETE":
        return request.delete();
    }
  };

  /** On 401 the token may have been revoked server-side before its expiry: fetch a fresh one, once. */
  const executeWithFreshTokenRetry = async (call: GraphCall): Promise<unknown> => {
    try {
      return await execute(call);
    } catch (error) {
      const unwrapped = unwrapTokenFailure(error);
      if (!(unwrapped instanceof GraphError) || unwrapped.statusCode !== 401) throw unwrapped;
      deps.tokens.invalidate();
      try {
        return await execute(call);
      } catch (retryError) {
        throw unwrapTokenFailure(retryError);
      }
    }
  };

  const run = async (call: GraphCall): Promise<unknown> => {
    try {
      return await executeWithFreshTokenRetry(call);
    } catch (error) {
      // Everything the SDK raises is a GraphError (HTTP answers, and network failures with status -1)
      // or a GraphClientError; anything else is ours (token source, link guard) and passes through.
      if (error instanceof GraphError || error instanceof GraphClientError) throw classifyGraphFailure(error, call, deps.clock.now());
      throw error;
    }
  };

  return {
    async json(call, schema) {
      const body = await run(call);
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        throw new ProviderError(PROVIDER, "invalid", `Microsoft Graph ${call.operation} answered an unexpected body: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`, { cause: parsed.error });
      }
      return parsed.data;
    },
    async send(call) {
      await run(call);
    },
  };
}

/** Only links on the configured Graph origin are followed: a stored cursor must not send our token elsewhere. */
function resolvePath(graphUrl: URL, path: string): string {
  // Relative paths: the SDK joins baseUrl, its default version (v1.0) and the path.
  if (!/^[a-z]+:\/\//i.test(path)) return path.replace(/^\/+/, "");
  const link = new URL(path);
  if (link.origin !== graphUrl.origin || link.protocol !== "https:") {
    throw new ProviderError(PROVIDER, "invalid", `Refusing to follow a Graph link outside ${graphUrl.origin}`);
  }
  return path;
}

function unwrapTokenFailure(error: unknown): unknown {
  if (error instanceof GraphClientError) {
    const custom: unknown = error.customError;
    if (custom && typeof custom === "object" && "tokenFailure" in custom) return (custom as TokenFailure).tokenFailure;
  }
  return error;
}
