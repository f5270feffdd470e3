import { spawn } from "node:child_process";

/**
 * Starts a tiny detached shell that waits for `ownerPid` to disappear and then shuts the
 * server down and removes its folder. Normal teardown and Ctrl-C (which reaches the server
 * too, as it shares our process group) stop the server themselves; this covers the owner
 * being killed outright (SIGKILL, a crashed runner), so no postgres is ever orphaned.
 * It runs in its own session so that the same Ctrl-C does not kill it before it cleans up.
 */
const SCRIPT = `
owner="$1"; server="$2"; folder="$3"
# running and not a zombie (a server whose parent died may stay unreaped for a while)
alive() { state=$(cut -d')' -f2 "/proc/$1/stat" 2>/dev/null | cut -c2); [ -n "$state" ] && [ "$state" != Z ]; }
while alive "$owner"; do sleep 1; done
kill -INT "$server" 2>/dev/null
i=0
while alive "$server" && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done
kill -QUIT "$server" 2>/dev/null
rm -rf "$folder"
`;

export interface OrphanGuard {
  /** the guard is no longer needed: the owner stops the server itself */
  dismiss(): void;
}

export function guardAgainstOrphan(ownerPid: number, serverPid: number, folder: string): OrphanGuard {
  const guard = spawn("sh", ["-c", SCRIPT, "makegood-pg-guard", String(ownerPid), String(serverPid), folder], {
    detached: true,
    stdio: "ignore",
  });
  guard.unref();
  return {
    dismiss() {
      if (guard.pid !== undefined && guard.exitCode === null) guard.kill("SIGTERM");
    },
  };
}
