import { createServer } from "node:net";

/**
 * Fails fast when the port is taken, before the database is opened (the embedded one takes
 * seconds to start and stop): the caller turns EADDRINUSE into one plain line. A program that
 * takes the port in between is still caught when the service itself listens.
 */
export async function ensurePortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
