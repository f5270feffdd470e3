import { capabilitiesOf } from "../capabilities.js";
import type { ProviderKind } from "../provider.js";
import type { SignalAccess } from "../domain/index.js";

/** What a connection lets detection see: its provider's capabilities and what presence answered. */
export function signalAccessOf(connection: { provider: ProviderKind; presenceStatus: "unknown" | "available" | "unavailable" }): SignalAccess {
  const capabilities = capabilitiesOf(connection.provider);
  return { meetAttendance: capabilities.meetAttendance, teamsReports: capabilities.teamsReports, presence: connection.presenceStatus };
}
