import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// Prisma 6.19 with `engine: "js"` runs its WebAssembly schema engine over this adapter, so
// `prisma migrate diff` works without the native schema-engine binary (not on npm, and its
// download fails offline). Used for diffs only: it reads no data and changes nothing.
const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error("tools/sqlgen: DATABASE_URL must point at a reachable PostgreSQL");

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPg({ connectionString, idleTimeoutMillis: 100 }),
});
