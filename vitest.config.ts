import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Starts one PostgreSQL for the run; each test file clones a migrated database from it.
    globalSetup: ["tests/support/global-setup.ts"],
    // Separate processes: the service code under test installs signal handlers and timers.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
