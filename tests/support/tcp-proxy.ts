import net from "node:net";

/**
 * A TCP proxy in front of the test database, so a test can take "the database" away from
 * the service and give it back without touching the server other test files use.
 */
export interface TcpProxy {
  port: number;
  /** drops open connections and refuses new ones */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let connected = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!connected) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("proxy has no port");
  return {
    port: address.port,
    cut() {
      connected = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      connected = true;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
