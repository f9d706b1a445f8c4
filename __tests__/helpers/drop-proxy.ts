/**
 * An HTTP proxy in front of a local S3 (moto) that cuts the connection on chosen requests: the way a
 * network failure looks to the SDK halfway through an upload. Everything else is forwarded unchanged.
 */
import { createServer, request, type IncomingMessage, type Server } from "node:http";

export interface DropProxy {
  readonly endpoint: string;
  /** Requests that were cut. */
  readonly dropped: string[];
  stop(): Promise<void>;
}

export async function startDropProxy(target: string, shouldDrop: (req: IncomingMessage) => boolean): Promise<DropProxy> {
  const dropped: string[] = [];
  const t = new URL(target);
  const server: Server = createServer((req, res) => {
    if (shouldDrop(req)) {
      dropped.push(`${req.method} ${req.url}`);
      // Read a little of the body first, then vanish: the part was "halfway" up.
      req.once("data", () => req.socket.destroy());
      req.once("end", () => req.socket.destroy());
      return;
    }
    const upstream = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    dropped,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
