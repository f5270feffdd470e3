import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply } from "fastify";
import type { Socket } from "node:net";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { isDatabaseUnavailable } from "../../platform/index.js";
import { AppError, errorMessage } from "../../platform/index.js";
import { errorBody, type ErrorReply } from "../schemas/error.js";
import { describeIssues, fieldLabel, type ValidationIssue } from "./validation-messages.js";

/**
 * Turns every failure into `{ error: { code, message } }`. Messages of 4xx errors are shown
 * (they tell the caller what to change, in words); 5xx messages are logged with their fields
 * and replaced by a generic text, so internals never leak.
 */
declare module "fastify" {
  interface FastifyContextConfig {
    /** for routes people open from a link: the page to show (400) when the request does not validate */
    htmlErrorPage?: () => string;
  }
}

const DATABASE_RETRY_AFTER_SECONDS = 5;
const INTERNAL = "Something went wrong on our side; it has been logged.";

/** Fastify's own 4xx, in words (malformed JSON, a body too large …). */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "The request body is not valid JSON.",
  FST_ERR_CTP_EMPTY_JSON_BODY: "The request body is empty; send a JSON object, even {}.",
  FST_ERR_CTP_BODY_TOO_LARGE: "The request body is too large.",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "This content type is not accepted here; send JSON.",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "The Content-Length header does not match the body.",
  FST_ERR_BAD_URL: "The address is not a valid URL.",
  FST_ERR_ASYNC_CONSTRAINT: "The request could not be routed.",
};

/**
 * Error replies are JSON whatever the route answers when it succeeds: routes that serve HTML
 * declare `400: html`, and serialising an error object against that schema threw
 * FST_ERR_RESPONSE_SERIALIZATION (a 500) for any bad link. The error shape is ours, so it
 * skips the route's response schemas.
 */
function sendError(reply: FastifyReply, status: number, body: ErrorReply): FastifyReply {
  return reply.status(status).type("application/json; charset=utf-8").serializer((payload: unknown) => JSON.stringify(payload)).send(body);
}

/**
 * Some services still name the field the old way ("body/phone: not a phone number"): the
 * field becomes `error.field` and the message a sentence with the field's label.
 */
function namedField(message: string): { field: string; message: string } | undefined {
  const match = /^(?:body|querystring|params)\/([\w/]+): (.*)$/s.exec(message);
  if (!match) return undefined;
  const field = match[1]!.split("/").filter((part) => !/^\d+$/.test(part)).join(".");
  const text = match[2]!;
  const sentence = /^[A-Z]/.test(text) ? text : `${fieldLabel(field)} ${text}`;
  return { field, message: /[.!?]$/.test(sentence) ? sentence : `${sentence}.` };
}

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(error)) {
        // A person who followed a mangled link from an email gets the route's own page, not JSON.
        const page = request.routeOptions.config?.htmlErrorPage;
        if (page && /text\/html/.test(request.headers.accept ?? "")) {
          return reply.status(400).type("text/html; charset=utf-8").serializer(String).send(page());
        }
        const context = error.validationContext;
        const schema = context ? (request.routeOptions.schema as Record<string, unknown> | undefined)?.[context] : undefined;
        const issues = describeIssues(context, error.validation as unknown as ValidationIssue[], schema);
        const first = issues[0];
        return sendError(reply, 400, errorBody("validation_failed", issues.map((issue) => issue.message).join(" "), { ...(first?.field ? { field: first.field } : {}), issues }));
      }
      if (error instanceof AppError) {
        if (error.httpStatus >= 500) request.log.error({ err: error, code: error.code }, "request failed");
        // A refusal is the caller's to fix and happens all day (a signed-out tab polls): debug, not info.
        else request.log.debug({ code: error.code, status: error.httpStatus }, "request refused");
        const named = error.httpStatus < 500 ? namedField(error.message) : undefined;
        const message = error.httpStatus >= 500 && error.httpStatus !== 503 ? INTERNAL : (named?.message ?? error.message);
        const field = typeof error.details["field"] === "string" ? error.details["field"] : named?.field;
        return sendError(reply, error.httpStatus, errorBody(error.code, message, field ? { field, issues: [{ field, message }] } : {}));
      }
      if (isResponseSerializationError(error)) {
        request.log.error({ err: error, route: request.routeOptions.url }, "reply did not match its schema");
        return sendError(reply, 500, errorBody("internal_error", INTERNAL));
      }
      if (isDatabaseUnavailable(error)) {
        // Expected during a database restart or failover: no stack trace, and the client may retry.
        request.log.warn({ reason: errorMessage(error), route: request.routeOptions.url }, "database unavailable; answered 503");
        reply.header("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
        return sendError(reply, 503, errorBody("database_unavailable", `The database cannot be reached right now; try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`));
      }
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, "request failed");
        return sendError(reply, status, errorBody("internal_error", INTERNAL));
      }
      // Fastify's own 4xx (malformed JSON, body too large, unsupported media type …).
      const code = (error.code ?? "bad_request").replace(/^FST_ERR_/, "").toLowerCase();
      return sendError(reply, status, errorBody(code, FASTIFY_MESSAGES[error.code ?? ""] ?? error.message));
    });

    app.setNotFoundHandler((request, reply) => {
      sendError(reply, 404, errorBody("not_found", `Nothing here: ${request.method} ${request.url.split("?")[0]} is not an address of Makegood.`));
    });
  },
  { name: "error-handler" },
);

/** Node's limit on the request line and headers together; set on the server so it is ours, not a flag's. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers or an address
 * too large, a request line that is not HTTP); Fastify's default reply to those is its own
 * `{"error":"Bad Request","statusCode":400}`. This answers them with the standard body instead.
 * Node reports an over-long address and over-long headers alike (HPE_HEADER_OVERFLOW): a first
 * line that starts like a request line and alone fills most of the limit is the address.
 */
export function clientErrorHandler(error: ConnectionError, socket: Socket): void {
  // The client went away (or the socket is gone already): there is no one to answer.
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, message] = clientErrorReply(error);
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large" };

function clientErrorReply(error: ConnectionError): [number, string, string] {
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return [408, "request_timeout", "The request took too long to arrive; send it again."];
  if (error.code === "HPE_HEADER_OVERFLOW") {
    const raw = (error as ConnectionError & { rawPacket?: Buffer }).rawPacket;
    const text = raw ? raw.toString("latin1") : "";
    const lineEnd = text.indexOf("\r\n");
    const firstLine = lineEnd === -1 ? text : text.slice(0, lineEnd);
    if (/^[A-Z]+ \S/.test(firstLine) && firstLine.length > MAX_HEADER_BYTES / 2) return [414, "address_too_long", "The address is too long."];
    return [431, "headers_too_large", "The request headers are too large."];
  }
  return [400, "bad_request", "The request is not valid HTTP."];
}
