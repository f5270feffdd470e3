import type { FastifyReply } from "fastify";

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
  409: "ALREADY_EXISTS", 410: "NOT_FOUND", 412: "FAILED_PRECONDITION", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE",
};

export interface GoogleErrorDetail {
  domain?: string;
  reason: string;
  message?: string;
  location?: string;
  locationType?: string;
}

/** Google API error envelope (Calendar "Handle API errors" guide): {"error":{"code","message","errors":[...],"status"}}. */
export function googleErrorBody(code: number, message: string, detail: GoogleErrorDetail): object {
  return {
    error: {
      code,
      message,
      errors: [{ message, domain: detail.domain ?? "global", reason: detail.reason, ...(detail.location ? { location: detail.location, locationType: detail.locationType ?? "parameter" } : {}) }],
      status: STATUS_NAMES[code] ?? "UNKNOWN",
    },
  };
}

export function sendGoogleError(reply: FastifyReply, code: number, message: string, detail: GoogleErrorDetail): FastifyReply {
  return reply.code(code).header("content-type", "application/json; charset=UTF-8").send(googleErrorBody(code, message, detail));
}

export const googleNotFound = (reply: FastifyReply): FastifyReply => sendGoogleError(reply, 404, "Not Found", { reason: "notFound" });

/** Newer gRPC-transcoded APIs (Meet v2) answer {"error":{"code","message","status"}} without the legacy errors[] list. */
export function sendGrpcError(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(code).header("content-type", "application/json; charset=UTF-8").send({ error: { code, message, status: STATUS_NAMES[code] ?? "UNKNOWN" } });
}
