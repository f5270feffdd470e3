import type { Config } from "../platform/config.js";
import type { Clock } from "../platform/clock.js";
import type { Logger } from "../platform/logger.js";
import type { ProviderFactory } from "./provider-factory.js";
import { ProviderError } from "./provider-error.js";

/** The real providers, configured from PRODUCT §1's endpoint variables. */
export function createProviderFactory(_config: Config, _deps: { clock: Clock; log: Logger }): ProviderFactory {
  return {
    oauth: () => undefined,
    calendar: (connection) => {
      throw new ProviderError(connection.provider, "invalid", `No calendar adapter for ${connection.provider} yet`);
    },
  };
}
