import type { FastifyError, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { isDatabaseUnavailable } from "../../db/unavailable.js";
import { AppError, errorMessage } from "../../platform/errors.js";
import { errorBody } from "../schemas/error.js";

/**
 * Turns every failure into `{ error: { code, message } }`. Messages of 4xx errors are shown
 * (they tell the caller what to change); 5xx messages are logged with their fields and
 * replaced by a generic text, so internals never leak.
 */
const DATABASE_RETRY_AFTER_SECONDS = 5;

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(error)) {
        const message = error.validation
          .map((issue) => {
            const field = [error.validationContext, ...issue.instancePath.split("/").filter(Boolean)].filter(Boolean).join("/");
            return `${field || "request"}: ${issue.message}`;
          })
          .join("; ");
        return reply.status(400).send(errorBody("validation_failed", message));
      }
      if (error instanceof AppError) {
        if (error.httpStatus >= 500) request.log.error({ err: error, code: error.code }, "request failed");
        else request.log.info({ code: error.code, status: error.httpStatus }, "request refused");
        const message = error.httpStatus >= 500 && error.httpStatus !== 503 ? "Something went wrong on our side; it has been logged." : error.message;
        return reply.status(error.httpStatus).send(errorBody(error.code, message));
      }
      if (isResponseSerializationError(error)) {
        request.log.error({ err: error, route: request.routeOptions.url }, "reply did not match its schema");
        return reply.status(500).send(errorBody("internal_error", "Something went wrong on our side; it has been logged."));
      }
      if (isDatabaseUnavailable(error)) {
        // Expected during a database restart or failover: no stack trace, and the client may retry.
        request.log.warn({ reason: errorMessage(error), route: request.routeOptions.url }, "database unavailable; answered 503");
        return reply
          .status(503)
          .header("retry-after", String(DATABASE_RETRY_AFTER_SECONDS))
          .send(errorBody("database_unavailable", `The database cannot be reached right now; try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`));
      }
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, "request failed");
        return reply.status(status).send(errorBody("internal_error", "Something went wrong on our side; it has been logged."));
      }
      // Fastify's own 4xx (malformed JSON, body too large, unsupported media type …).
      const code = (error.code ?? "bad_request").replace(/^FST_ERR_/, "").toLowerCase();
      return reply.status(status).send(errorBody(code, error.message));
    });

    app.setNotFoundHandler((request, reply) => {
      reply.status(404).send(errorBody("not_found", `No route ${request.method} ${request.url.split("?")[0]}`));
    });
  },
  { name: "error-handler" },
);
