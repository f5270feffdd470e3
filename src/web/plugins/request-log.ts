import { LogController, type FastifyReply, type FastifyRequest } from "fastify";

/** Requests slower than this are worth a line at the default level. */
const SLOW_REQUEST_MS = 2_000;
/** The live alert stream stays open by design; its end is not a slow request. */
const LONG_LIVED = /^\/api\/alerts\/stream/;

/**
 * Fastify logs two info lines per request: a dashboard open for a day buried what matters
 * (2,688 lines in 14 minutes). Here requests are logged at debug; at info and above only a
 * slow one (warn) or one that failed (the error handler logs 5xx with its fields).
 */
export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { req: request, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.error({ ...fields, err: error }, "request errored");
    else if (reply.elapsedTime >= SLOW_REQUEST_MS && !LONG_LIVED.test(request.url)) reply.log.warn(fields, "slow request");
    else reply.log.debug(fields, "request completed");
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ req: request }, "no such route");
  }
}
