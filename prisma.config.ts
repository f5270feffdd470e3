import { defineConfig } from "prisma/config";

// Only `prisma generate` runs here (the schema engine cannot be downloaded offline);
// migrations are plain SQL applied by the service itself, see src/platform/db/migrate.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
});
