/**
 * A TCP proxy in front of a service that can stop forwarding for a while, as a network partition
 * does: connections stay open, nothing arrives either way, and when it heals the bytes held back
 * are delivered in order (TCP retransmits them), so clients see a stall, not a reset.
 */
import { createServer, type Server, Socket } from "node:net";

export interface BlackholeProxy {
  readonly port: number;
  /** Stops forwarding (both ways), holding back what is sent meanwhile. */
  blackhole(): void;
  /** Forwards again, the held-back bytes first. */
  heal(): void;
  close(): Promise<void>;
}

export async function blackholeProxy(targetHost: string, targetPort: number): Promise<BlackholeProxy> {
  let blackholed = false;
  const held: [Socket, Buffer][] = [];
  const sockets = new Set<Socket>();
  const forward = (from: Socket, to: Socket) => {
    from.on("data", (chunk) => {
      if (blackholed) held.push([to, chunk]);
      else to.write(chunk);
    });
    from.on("close", () => to.destroy());
    from.on("error", () => to.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    blackhole: () => {
      blackholed = true;
    },
    heal: () => {
      blackholed = false;
      for (const [to, chunk] of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
