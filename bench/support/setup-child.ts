import { pino } from "pino";
import { mapWithConcurrency } from "../../src/platform/concurrency.js";
import { systemClock } from "../../src/platform/clock.js";
import { loadConfig } from "../../src/platform/config.js";
import { createServices } from "../../src/app/services.js";
import { connect, controlOf, type Kind } from "./fixtures.js";

/**
 * The sync benchmark's fixtures, built in their own process so that the set-up's allocations
 * (1,000 OAuth flows, thousands of control requests) do not count in the service's RSS.
 * Input: one JSON document on stdin; output: one JSON line on stdout.
 *  - {"command":"connect", emulatorUrl, env, databaseUrl, key, accounts: [{provider,email,start,end}]}
 *      → {"eventIds": {email: id}}: a user with one event each, and a real OAuth grant stored as the connect flow stores it
 *  - {"command":"move", emulatorUrl, moves: [{provider,email,id,summary,start,end}]} → {"moved": n}
 */
interface Account { provider: Kind; email: string; start: string; end: string }
interface Move { provider: Kind; email: string; id: string; summary: string; start: string; end: string }
type Input =
  | { command: "connect"; emulatorUrl: string; env: Record<string, string>; databaseUrl: string; key: string; publicUrl: string; accounts: Account[] }
  | { command: "move"; emulatorUrl: string; moves: Move[] };

let text = "";
for await (const chunk of process.stdin) text += String(chunk);
const input = JSON.parse(text) as Input;
const control = controlOf(input.emulatorUrl);
if (input.command === "connect") {
  const config = loadConfig({ ...input.env, DATABASE_URL: input.databaseUrl, TOKEN_ENCRYPTION_KEY: input.key, PUBLIC_URL: input.publicUrl, CRON: "false", WORKERS: "0", LOG_LEVEL: "silent" });
  const services = createServices(config, { url: input.databaseUrl, tokenKeys: config.tokenKeys!, stop: async () => {} }, systemClock, pino({ level: "silent" }));
  const eventIds: Record<string, string> = {};
  await mapWithConcurrency(input.accounts, 16, async ({ provider, email, start, end }) => {
    await control("POST", "/users", { provider, email });
    const event = await control<{ id: string }>("POST", "/events", { account: email, provider, summary: "Weekly sync", start, end, attendees: [{ email, response: "accepted" }, { email: "client@else.example", response: "accepted" }] });
    eventIds[email] = event.id;
    await connect(services, provider, email);
  });
  await services.close();
  process.stdout.write(`${JSON.stringify({ eventIds })}\n`);
} else {
  await mapWithConcurrency(input.moves, 32, ({ provider, email, id, summary, start, end }) => control("PATCH", `/events/${encodeURIComponent(id)}`, { account: email, provider, summary, start, end }));
  process.stdout.write(`${JSON.stringify({ moved: input.moves.length })}\n`);
}
