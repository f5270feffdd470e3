import { randomUUID } from "node:crypto";
import type { FastifyReply } from "fastify";

/** Graph error envelope: {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}. */
export function graphErrorBody(code: string, message: string): object {
  const requestId = randomUUID();
  return { error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ""), "request-id": requestId, "client-request-id": requestId } } };
}

export function sendGraphError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).header("content-type", "application/json").send(graphErrorBody(code, message));
}

export const graphNotFound = (reply: FastifyReply): FastifyReply =>
  sendGraphError(reply, 404, "ErrorItemNotFound", "The specified object was not found in the store.");

/**
 * Microsoft identity platform error response (v2 auth-code flow "Error response"):
 * error, error_description "AADSTSnnnn: ...", error_codes, timestamp, trace_id, correlation_id, error_uri.
 */
export function identityErrorBody(error: string, aadsts: number, description: string, now: number): object {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(now).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return {
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
  };
}

export function sendIdentityError(reply: FastifyReply, status: number, error: string, aadsts: number, description: string, now: number): FastifyReply {
  return reply.code(status).header("content-type", "application/json; charset=utf-8").send(identityErrorBody(error, aadsts, description, now));
}
