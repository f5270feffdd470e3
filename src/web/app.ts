import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { ReadinessProbe } from "../db/readiness.js";
import type { Config } from "../platform/config.js";
import type { Logger } from "../platform/logger.js";
import { errorHandlerPlugin } from "./plugins/error-handler.js";
import { openApiPlugin } from "./plugins/openapi.js";
import { healthRoutes } from "./routes/health.js";

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export interface AppDependencies {
  config: Config;
  log: Logger;
  readiness: ReadinessProbe;
  version: string;
}

/**
 * Builds the HTTP application from its dependencies; nothing here reads the environment or
 * opens connections, so tests build it with whatever they need.
 */
export async function buildApp(deps: AppDependencies): Promise<App> {
  const app: App = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    // A request that takes longer than this is stuck; the client should retry.
    requestTimeout: 30_000,
    disableRequestLogging: false,
    trustProxy: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Tier 1: cross-cutting plugins.
  await app.register(errorHandlerPlugin);
  await app.register(openApiPlugin, { publicUrl: deps.config.publicUrl, version: deps.version });

  // Tier 2: routes.
  await app.register(healthRoutes, { readiness: deps.readiness });

  return app;
}
