import { startEmulator } from "../../tests/emulator/server.js";

/**
 * The provider emulator in its own process, so the benchmark's RSS is the service's alone.
 * Prints one JSON line ({ url, env }) once listening; stops when stdin closes.
 */
const emulator = await startEmulator();
process.stdout.write(`${JSON.stringify({ url: emulator.url, env: emulator.env })}\n`);
process.stdin.resume();
process.stdin.on("end", () => void emulator.close().finally(() => process.exit(0)));
