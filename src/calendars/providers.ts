import type { Clock } from "../platform/clock.js";
import type { Config } from "../platform/config.js";
import type { Logger } from "../platform/logger.js";
import { createGoogleCalendar } from "./google/calendar.js";
import { createGoogleOAuth, type GoogleEndpoints } from "./google/oauth.js";
import { createMicrosoftCalendar } from "./microsoft/calendar.js";
import type { MicrosoftEndpoints } from "./microsoft/endpoints.js";
import { createMicrosoftOAuth } from "./microsoft/oauth.js";
import type { ProviderFactory } from "./provider-factory.js";
import { ProviderError } from "./provider-error.js";
import type { OAuthProvider } from "./provider.js";

/** The real providers, configured from PRODUCT §1's endpoint variables. */
export function createProviderFactory(config: Config, deps: { clock: Clock; log: Logger }): ProviderFactory {
  const google: GoogleEndpoints = {
    authUrl: config.endpoints.googleAuthUrl,
    tokenUrl: config.endpoints.googleTokenUrl,
    apiRootUrl: config.endpoints.googleApiRootUrl,
    meetRootUrl: config.endpoints.googleMeetRootUrl,
  };
  const microsoft: MicrosoftEndpoints = {
    authorityUrl: config.endpoints.microsoftAuthorityUrl,
    graphUrl: config.endpoints.microsoftGraphUrl,
    tenant: config.endpoints.microsoftTenant,
  };
  const now = () => deps.clock.now();
  const oauth: { google?: OAuthProvider; microsoft?: OAuthProvider } = {
    ...(config.google ? { google: createGoogleOAuth({ ...config.google, endpoints: google, now }) } : {}),
    ...(config.microsoft ? { microsoft: createMicrosoftOAuth({ ...config.microsoft, endpoints: microsoft }, deps.clock) } : {}),
  };
  return {
    oauth: (kind) => oauth[kind],
    calendar(connection, tokens) {
      const log = deps.log.child({ connectionId: connection.id, provider: connection.provider });
      switch (connection.provider) {
        case "google":
          return createGoogleCalendar({ endpoints: google, tokens, account: connection, clock: deps.clock, log });
        case "microsoft":
          return createMicrosoftCalendar({ endpoints: microsoft, tokens, account: connection, clock: deps.clock, log });
        default:
          throw new ProviderError(connection.provider, "invalid", `No calendar adapter for ${connection.provider} on this server`);
      }
    },
  };
}
