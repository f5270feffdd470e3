import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface RunningChild {
  process: ChildProcess;
  /** everything written to stdout and stderr so far */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  waitForExit(timeoutMs?: number): Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** The environment a child gets: only what a user's shell would have, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "LANG", "TMPDIR", "NODE_EXTRA_CA_CERTS"];
  const base = Object.fromEntries(keep.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
  return { ...base, LOG_LEVEL: "info", ...env };
}

/** NODE_EXTRA_CA_CERTS is set relative to the repository; a child in another folder needs it whole. */
function withAbsoluteCaPath(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const ca = env["NODE_EXTRA_CA_CERTS"];
  return ca && !path.isAbsolute(ca) ? { ...env, NODE_EXTRA_CA_CERTS: path.resolve(repoRoot, ca) } : env;
}

/** Runs a TypeScript entry point of the repo (src/app/main.ts, jobs/cli.ts) the way npm scripts do. */
export function runEntry(entry: string, args: string[], env: Record<string, string>, options: { cwd?: string } = {}): RunningChild {
  // From another folder "tsx" would not resolve: name the loader by its full address.
  const loader = options.cwd ? import.meta.resolve("tsx") : "tsx";
  const child = spawn(process.execPath, ["--import", loader, path.join(repoRoot, entry), ...args], {
    cwd: options.cwd ?? repoRoot,
    env: withAbsoluteCaPath(childEnv(env)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

  return {
    process: child,
    output: () => output,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match[0]);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; output so far:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`process exited before printing ${pattern}; output:\n${output}`));
          }
        });
        check();
      });
    },
    async waitForExit(timeoutMs = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms; output:\n${output}`)), timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    kill(signal = "SIGTERM") {
      child.kill(signal);
    },
  };
}

export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
